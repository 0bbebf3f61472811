package com.gkeaudit.io;

import java.io.IOException;
import java.nio.file.FileSystemLoopException;
import java.nio.file.FileVisitOption;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.nio.file.Paths;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Resolves local {@code --inputFiles} patterns before anything runs, with a walk that is bounded and loop-safe, so
 * that a bad pattern is a one-line error and a tree of symbolic links cannot hang the job. Beam's local match follows
 * links without remembering where it has been: two links back to their parent directory under {@code **} made its
 * walk exponential. Here every real directory is walked once, at most {@link #MAX_DEPTH} levels deep and
 * {@link #MAX_ENTRIES} entries in all; each real file is read once, under the first path that reached it.
 *
 * <p>Patterns with a scheme ({@code gs://}) are left to the runner's file system: checking them needs the job's
 * credentials.
 */
public final class InputFiles {
  static final int MAX_DEPTH = 64;
  static final int MAX_ENTRIES = 1_000_000;

  private InputFiles() {}

  /** Thrown with a one-line message for a pattern that cannot be read. */
  public static final class BadInputException extends IllegalArgumentException {
    BadInputException(String message) {
      super(message);
    }
  }

  /**
   * The files the patterns name: every local pattern expanded to its files (each at least one), other patterns as
   * given. Throws {@link BadInputException} naming the first pattern that matches no file, is a directory, or whose
   * walk exceeds the bounds.
   */
  public static List<String> resolve(List<String> patterns) {
    Set<String> out = new LinkedHashSet<>();
    Set<Path> seenFiles = new HashSet<>();
    for (String pattern : patterns) {
      if (isRemote(pattern)) {
        out.add(pattern);
        continue;
      }
      List<Path> files = expand(pattern, seenFiles);
      // As Beam's ALLOW_IF_WILDCARD: a named file must exist; a wildcard may match nothing while another matches.
      if (files.isEmpty() && !isGlob(pattern) && !anyMatch(pattern)) {
        throw new BadInputException("--inputFiles: '" + pattern + "' matches no file");
      }
      files.forEach(file -> out.add(file.toString()));
    }
    if (out.isEmpty()) {
      throw new BadInputException("--inputFiles matches no file: " + String.join(",", patterns));
    }
    return new ArrayList<>(out);
  }

  /**
   * The local files a pattern names now, by the same bounded, loop-safe walk, each once (none is not an error): for a
   * stream that polls a directory tree. Throws {@link BadInputException} when the walk exceeds its bounds.
   */
  public static List<String> currentFiles(String pattern) {
    return expand(pattern, new HashSet<>()).stream().map(Path::toString).toList();
  }

  /** Whether the pattern has a scheme other than {@code file://}: such patterns are not walked here. */
  static boolean isRemote(String pattern) {
    int scheme = pattern.indexOf("://");
    return scheme > 0 && !pattern.startsWith("file://");
  }

  private static boolean isGlob(String pattern) {
    return pattern.chars().anyMatch(c -> c == '*' || c == '?' || c == '[' || c == '{');
  }

  /** A glob all of whose matches were read already under an earlier pattern still matched something. */
  private static boolean anyMatch(String pattern) {
    return !expand(pattern, new HashSet<>()).isEmpty();
  }

  private static List<Path> expand(String pattern, Set<Path> seenFiles) {
    String local = pattern.startsWith("file://") ? pattern.substring("file://".length()) : pattern;
    Path absolute;
    try {
      absolute = Paths.get(local).toAbsolutePath().normalize();
    } catch (InvalidPathException e) {
      throw new BadInputException("--inputFiles: '" + pattern + "' is not a valid path: " + e.getReason());
    }
    List<Path> files = new ArrayList<>();
    if (!isGlob(local)) {
      if (Files.isDirectory(absolute)) {
        throw new BadInputException(
            "--inputFiles: '" + pattern + "' is a directory; to read the files below it use '"
                + absolute.resolve("**") + "'");
      }
      if (Files.exists(absolute) && addOnce(absolute, seenFiles)) {
        files.add(absolute);
      }
      return files;
    }
    Path base = globBase(absolute);
    if (!Files.isDirectory(base)) {
      return files;
    }
    PathMatcher matcher = absolute.getFileSystem().getPathMatcher("glob:" + absolute);
    Set<Path> seenDirectories = new HashSet<>();
    int[] entries = {0};
    try {
      Files.walkFileTree(
          base,
          EnumSet.of(FileVisitOption.FOLLOW_LINKS),
          MAX_DEPTH,
          new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
              count();
              // A directory reached again through another link: its files are already in.
              return seenDirectories.add(dir.toRealPath()) ? FileVisitResult.CONTINUE : FileVisitResult.SKIP_SUBTREE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
              count();
              if (!attrs.isDirectory() && matcher.matches(file) && addOnce(file, seenFiles)) {
                files.add(file);
              }
              return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException e) {
              // A link loop the walker caught, a dangling link, an unreadable directory: nothing to read there.
              if (!(e instanceof FileSystemLoopException)) {
                count();
              }
              return FileVisitResult.CONTINUE;
            }

            private void count() {
              if (++entries[0] > MAX_ENTRIES) {
                throw new BadInputException(
                    "--inputFiles: '" + pattern + "' reaches more than " + MAX_ENTRIES + " entries below " + base
                        + "; narrow the pattern");
              }
            }
          });
    } catch (IOException e) {
      throw new BadInputException("--inputFiles: cannot list " + base + ": " + e.getMessage());
    }
    files.sort(null);
    return files;
  }

  /** The deepest directory of the pattern before its first wildcard. */
  private static Path globBase(Path absolute) {
    Path base = absolute.getRoot();
    for (Path part : absolute) {
      if (isGlob(part.toString())) {
        break;
      }
      base = base.resolve(part);
    }
    return base;
  }

  /** Records a file by its real path; false when it was reached before (under another name or pattern). */
  private static boolean addOnce(Path file, Set<Path> seenFiles) {
    try {
      return seenFiles.add(file.toRealPath());
    } catch (IOException e) {
      return seenFiles.add(file);
    }
  }
}
