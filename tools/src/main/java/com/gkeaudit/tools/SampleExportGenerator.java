package com.gkeaudit.tools;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.zip.Deflater;
import java.util.zip.GZIPOutputStream;

/**
 * Deterministic, seeded generator of realistic GKE Cloud Audit Log exports as a Cloud Logging sink writes them to
 * Cloud Storage, with a Cloud Asset Inventory cluster export and a manifest of the findings the pipeline must produce.
 *
 * <pre>
 * OUT/cloudaudit.googleapis.com/activity/YYYY/MM/DD/HH:00:00_HH:59:59_S0.json[.gz]   (+ _A0 late shards)
 * OUT/cloudaudit.googleapis.com/data_access/YYYY/MM/DD/...
 * OUT/cluster-metadata.json     Cloud Asset Inventory export (NDJSON), one cluster deliberately missing
 * OUT/expected.json             config, exact line accounting, injected incidents and expected findings
 * </pre>
 *
 * <p>Same {@link Config} → byte-identical files. Bulk lines are rendered from templates and streamed, so memory stays
 * flat whatever {@code --lines} is; hourly files are written in parallel, each from its own seeded random stream.
 */
public final class SampleExportGenerator {

  /** The SetMasterAuth password carried by exactly one request line; it must never leak into pipeline output. */
  public static final String SECRET = AuditPlan.SECRET;
  /** The trustedCidrs value under which the untrusted-source incident is reported. */
  public static final String TRUSTED_CIDRS = AuditPlan.TRUSTED_CIDRS;
  public static final Instant DEFAULT_START = Instant.parse("2026-11-02T00:00:00Z");
  public static final int MIN_DAYS = 10;
  public static final int MAX_DAYS = 120;
  public static final long MIN_BULK_LINES = 10_000;

  private static final long HOUR = GenUtil.NANOS_PER_HOUR;
  /** Bulk k8s.io lines per hour and log at the default volume (before diurnal weighting). */
  private static final double DEFAULT_ACTIVITY_PER_HOUR = 3.75;
  private static final double DEFAULT_DATA_ACCESS_PER_HOUR = 6.75;
  private static final int DUP_PER_MILLE = 10;
  private static final int LATE_PER_MILLE = 2;

  private SampleExportGenerator() {}

  /** What to generate. Mutable builder-style setters; {@link #generate} validates. */
  public static final class Config {
    Path output;
    long seed = 42;
    Instant start = DEFAULT_START;
    int days = 10;
    long lines = 0;
    boolean gzip = false;
    boolean overwrite = false;
    int threads = 0;
    boolean quiet = false;

    public Config(Path output) {
      this.output = output;
    }

    public Config seed(long v) {
      seed = v;
      return this;
    }

    public Config start(Instant v) {
      start = v;
      return this;
    }

    public Config days(int v) {
      days = v;
      return this;
    }

    /** Bulk mode: scale the k8s.io noise so the export has about this many lines (0 = default small volume). */
    public Config lines(long v) {
      lines = v;
      return this;
    }

    public Config gzip(boolean v) {
      gzip = v;
      return this;
    }

    /** Remove a previous export's files (only the generator's own outputs) from the output directory first. */
    public Config overwrite(boolean v) {
      overwrite = v;
      return this;
    }

    /** Writer threads; 0 = number of available processors (at most 8). Output does not depend on it. */
    public Config threads(int v) {
      threads = v;
      return this;
    }

    /** Suppress the stderr summary line. */
    public Config quiet(boolean v) {
      quiet = v;
      return this;
    }

    public Path output() {
      return output;
    }

    public long seed() {
      return seed;
    }

    public Instant start() {
      return start;
    }

    public int days() {
      return days;
    }

    public long lines() {
      return lines;
    }

    public boolean gzip() {
      return gzip;
    }

    void validate() {
      if (output == null) {
        throw new IllegalArgumentException("--output is required");
      }
      if (days < MIN_DAYS || days > MAX_DAYS) {
        throw new IllegalArgumentException("--days must be between " + MIN_DAYS + " and " + MAX_DAYS
            + " (a 7-day baseline plus three incident days), got " + days);
      }
      if (start.getEpochSecond() % 86400 != 0 || start.getNano() != 0) {
        throw new IllegalArgumentException("--start must be a UTC midnight such as 2026-11-02T00:00:00Z, got " + start);
      }
      if (lines != 0 && lines < MIN_BULK_LINES) {
        throw new IllegalArgumentException("--lines must be 0 (default volume) or at least " + MIN_BULK_LINES
            + " (bulk mode keeps >= 95% k8s.io lines), got " + lines);
      }
      if (threads < 0) {
        throw new IllegalArgumentException("--threads must be >= 0, got " + threads);
      }
    }
  }

  /** What was written; the same numbers as expected.json's accounting. */
  public static final class Summary {
    public final Path output;
    public final long totalLines;
    public final long emptyLines;
    public final long badLines;
    public final long duplicateLines;
    public final long k8sLines;
    public final long clusterManagerEntries;
    public final Instant maxEventTime;
    public final int files;
    public final long bytesOnDisk;
    public final long uncompressedBytes;
    public final int expectedFindings;
    public final long elapsedMillis;

    Summary(Path output, long totalLines, long emptyLines, long badLines, long duplicateLines, long k8sLines,
        long clusterManagerEntries, Instant maxEventTime, int files, long bytesOnDisk, long uncompressedBytes,
        int expectedFindings, long elapsedMillis) {
      this.output = output;
      this.totalLines = totalLines;
      this.emptyLines = emptyLines;
      this.badLines = badLines;
      this.duplicateLines = duplicateLines;
      this.k8sLines = k8sLines;
      this.clusterManagerEntries = clusterManagerEntries;
      this.maxEventTime = maxEventTime;
      this.files = files;
      this.bytesOnDisk = bytesOnDisk;
      this.uncompressedBytes = uncompressedBytes;
      this.expectedFindings = expectedFindings;
      this.elapsedMillis = elapsedMillis;
    }

    public double linesPerSecond() {
      return elapsedMillis == 0 ? totalLines * 1000.0 : totalLines * 1000.0 / elapsedMillis;
    }

    @Override
    public String toString() {
      return String.format(Locale.ROOT, "generated %,d lines (k8s.io %,d, ClusterManager %,d, duplicates %,d, bad %d, "
              + "empty %d) in %d files, %.1f MB on disk, %d expected findings, %.2f s (%,.0f lines/s) -> %s",
          totalLines, k8sLines, clusterManagerEntries, duplicateLines, badLines, emptyLines, files,
          bytesOnDisk / 1e6, expectedFindings, elapsedMillis / 1000.0, linesPerSecond(), output);
    }
  }

  // ------------------------------------------------------------------------------------------------ CLI

  static final String USAGE = String.join("\n",
      "Usage: SampleExportGenerator --output DIR [options]",
      "",
      "Writes a deterministic, realistic GKE audit-log export (Cloud Storage sink layout) plus",
      "cluster-metadata.json (Cloud Asset Inventory export) and expected.json (accounting + expected findings).",
      "",
      "  --output DIR      output directory (required)",
      "  --seed N          random seed (default 42)",
      "  --start TIME      first day, a UTC midnight in RFC 3339 (default 2026-11-02T00:00:00Z)",
      "  --days N          number of days, " + MIN_DAYS + ".." + MAX_DAYS + " (default 10)",
      "  --lines N         bulk mode (N >= " + MIN_BULK_LINES + "): scale k8s.io noise so the export has about N lines",
      "                    (>= 95% k8s.io);",
      "                    incidents are still injected (default: small volume, under 4 MB)",
      "  --gzip            write .json.gz files",
      "  --overwrite       first delete a previous export in DIR (only the generator's own files)",
      "  --threads N       writer threads (default: available processors); output does not depend on it",
      "  --help            this text");

  public static void main(String[] args) {
    int code = run(args, System.out, System.err);
    if (code != 0) {
      System.exit(code);
    }
  }

  static int run(String[] args, PrintStream out, PrintStream err) {
    Config config;
    try {
      config = parseArgs(args);
    } catch (IllegalArgumentException e) {
      err.println("error: " + e.getMessage());
      err.println("(run with --help for usage)");
      return 2;
    }
    if (config == null) {
      out.println(USAGE);
      return 0;
    }
    try {
      generate(config);
      return 0;
    } catch (IllegalArgumentException e) {
      err.println("error: " + e.getMessage());
      return 2;
    } catch (IOException | UncheckedIOException e) {
      err.println("error: " + e);
      return 1;
    }
  }

  /** Parses {@code --key value}, {@code --key=value} and flags; returns null for --help. */
  static Config parseArgs(String[] args) {
    Config c = new Config(null);
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      if (a.equals("--help") || a.equals("-h")) {
        return null;
      }
      if (!a.startsWith("--")) {
        throw new IllegalArgumentException("unexpected argument '" + a + "'");
      }
      String key = a.substring(2);
      String value = null;
      int eq = key.indexOf('=');
      if (eq >= 0) {
        value = key.substring(eq + 1);
        key = key.substring(0, eq);
      }
      boolean flag = key.equals("gzip") || key.equals("overwrite") || key.equals("quiet");
      if (flag) {
        boolean v = value == null || parseBool(key, value);
        switch (key) {
          case "gzip": c.gzip = v; break;
          case "overwrite": c.overwrite = v; break;
          default: c.quiet = v; break;
        }
        continue;
      }
      if (value == null) {
        if (i + 1 >= args.length) {
          throw new IllegalArgumentException("--" + key + " needs a value");
        }
        value = args[++i];
      }
      switch (key) {
        case "output": c.output = Paths.get(value); break;
        case "seed": c.seed = parseLong(key, value); break;
        case "start":
          try {
            c.start = Instant.parse(value);
          } catch (DateTimeParseException e) {
            try {
              c.start = LocalDate.parse(value).atStartOfDay(ZoneOffset.UTC).toInstant();
            } catch (DateTimeParseException e2) {
              throw new IllegalArgumentException("--start: not an RFC 3339 time or date: '" + value + "'");
            }
          }
          break;
        case "days": c.days = (int) parseLong(key, value); break;
        case "lines": c.lines = parseLong(key, value); break;
        case "threads": c.threads = (int) parseLong(key, value); break;
        default: throw new IllegalArgumentException("unknown option --" + key);
      }
    }
    c.validate();
    return c;
  }

  private static long parseLong(String key, String value) {
    try {
      return Long.parseLong(value.replace("_", ""));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("--" + key + ": not an integer: '" + value + "'");
    }
  }

  private static boolean parseBool(String key, String value) {
    if (value.equalsIgnoreCase("true")) {
      return true;
    }
    if (value.equalsIgnoreCase("false")) {
      return false;
    }
    throw new IllegalArgumentException("--" + key + ": expected true or false, got '" + value + "'");
  }

  // ------------------------------------------------------------------------------------------------ generate

  /** Per-unit (one log, one hour) counts. */
  private static final class UnitStats {
    long total;
    long empty;
    long bad;
    long dup;
    long k8s;
    long cm;
    long maxEvent = Long.MIN_VALUE;
    long bytes;
    int files;
    int lateShards;
  }

  public static Summary generate(Config config) throws IOException {
    config.validate();
    long t0 = System.nanoTime();
    Path out = config.output;
    Path root = out.resolve("cloudaudit.googleapis.com");
    if (Files.exists(root) || Files.exists(out.resolve("expected.json"))) {
      if (!config.overwrite) {
        throw new IllegalArgumentException(out + " already holds an export; pass --overwrite to replace it");
      }
      deleteTree(root);
      Files.deleteIfExists(out.resolve("expected.json"));
      Files.deleteIfExists(out.resolve("cluster-metadata.json"));
    }
    Files.createDirectories(out);

    Instant start = config.start;
    int hours = config.days * 24;
    Instant end = start.plus(Duration.ofDays(config.days));
    Fleet fleet = new Fleet(start, end);
    K8sLines k8s = new K8sLines(fleet);
    AuditPlan plan = new AuditPlan(start, config.days, config.seed, fleet, k8s);
    plan.build();
    plan.planSpecials();
    plan.verifyUnique();

    // place planned lines into units (hour * 2 + log)
    int units = hours * 2;
    List<List<PlannedLine>> perUnit = new ArrayList<>(units);
    for (int u = 0; u < units; u++) {
      perUnit.add(new ArrayList<>());
    }
    long startNanos = GenUtil.toNanos(start);
    long plannedOutputLines = 0;
    for (PlannedLine pl : plan.lines) {
      int hour = (int) ((pl.sortNanos - startNanos) / HOUR);
      perUnit.get(hour * 2 + (pl.activity ? 0 : 1)).add(pl);
      plannedOutputLines += 1 + pl.blanksBefore.size() + (pl.dup != PlannedLine.DUP_NONE ? 1 : 0);
    }
    for (List<PlannedLine> l : perUnit) {
      l.sort(Comparator.comparingLong(p -> p.sortNanos)); // stable: ties keep planning order
    }

    // bulk k8s.io counts per unit: diurnal weights, exact total by largest remainder
    SplittableRandom wr = new SplittableRandom(GenUtil.mix(config.seed, 0x3E16_47L));
    double[] weights = new double[units];
    double weightSum = 0;
    for (int u = 0; u < units; u++) {
      int hourOfDay = (u / 2) % 24;
      double diurnal = 0.75 + 0.5 * Math.exp(-Math.pow((hourOfDay - 14) / 5.0, 2));
      double base = (u % 2 == 0) ? DEFAULT_ACTIVITY_PER_HOUR : DEFAULT_DATA_ACCESS_PER_HOUR;
      weights[u] = base * diurnal * (0.8 + 0.4 * wr.nextDouble());
      weightSum += weights[u];
    }
    long k8sTarget;
    if (config.lines > 0) {
      k8sTarget = Math.max(units, Math.round((config.lines - plannedOutputLines) / (1 + DUP_PER_MILLE / 1000.0)));
    } else {
      k8sTarget = Math.round(weightSum);
    }
    long[] counts = distribute(weights, weightSum, k8sTarget);

    String ext = config.gzip ? ".json.gz" : ".json";
    int threads = config.threads > 0 ? config.threads : Math.min(8, Runtime.getRuntime().availableProcessors());
    ExecutorService pool = Executors.newFixedThreadPool(threads, r -> {
      Thread t = new Thread(r, "export-writer");
      t.setDaemon(true);
      return t;
    });
    List<Future<UnitStats>> futures = new ArrayList<>(units);
    try {
      for (int u = 0; u < units; u++) {
        final int unit = u;
        futures.add(pool.submit(() -> writeUnit(config, root, ext, k8s, startNanos, unit, counts[unit],
            perUnit.get(unit))));
      }
      UnitStats total = new UnitStats();
      for (Future<UnitStats> f : futures) {
        UnitStats s;
        try {
          s = f.get();
        } catch (ExecutionException e) {
          Throwable cause = e.getCause();
          if (cause instanceof IOException) {
            throw (IOException) cause;
          }
          if (cause instanceof RuntimeException) {
            throw (RuntimeException) cause;
          }
          throw new IOException(cause);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IOException("interrupted", e);
        }
        total.total += s.total;
        total.empty += s.empty;
        total.bad += s.bad;
        total.dup += s.dup;
        total.k8s += s.k8s;
        total.cm += s.cm;
        total.maxEvent = Math.max(total.maxEvent, s.maxEvent);
        total.bytes += s.bytes;
        total.files += s.files;
        total.lateShards += s.lateShards;
      }
      long onDisk = sizeOf(root);
      writeMetadata(out, fleet, start);
      int expected = writeExpected(out, config, plan, total, fleet);
      long elapsed = (System.nanoTime() - t0) / 1_000_000L;
      Summary summary = new Summary(out, total.total, total.empty, total.bad, total.dup, total.k8s, total.cm,
          GenUtil.ofNanos(total.maxEvent), total.files, onDisk, total.bytes, expected, elapsed);
      if (!config.quiet) {
        System.err.println(summary);
      }
      return summary;
    } finally {
      pool.shutdownNow();
    }
  }

  static long[] distribute(double[] weights, double weightSum, long total) {
    long[] counts = new long[weights.length];
    double[] rem = new double[weights.length];
    long assigned = 0;
    for (int i = 0; i < weights.length; i++) {
      double exact = weights[i] / weightSum * total;
      counts[i] = (long) Math.floor(exact);
      rem[i] = exact - counts[i];
      assigned += counts[i];
    }
    Integer[] order = new Integer[weights.length];
    for (int i = 0; i < order.length; i++) {
      order[i] = i;
    }
    Arrays.sort(order, (a, b) -> rem[a] != rem[b] ? Double.compare(rem[b], rem[a]) : Integer.compare(a, b));
    for (int k = 0; assigned < total; k = (k + 1) % order.length) {
      counts[order[k]]++;
      assigned++;
    }
    for (int i = 0; i < counts.length; i++) {
      counts[i] = Math.max(1, counts[i]);
    }
    return counts;
  }

  /** gzip at BEST_SPEED: bulk exports compress ~13:1 anyway, and the default level would dominate the run time. */
  private static final class FastGzip extends GZIPOutputStream {
    FastGzip(OutputStream out) throws IOException {
      super(out, 1 << 16);
      def.setLevel(Deflater.BEST_SPEED);
    }
  }

  /** A lazily opened NDJSON file of one shard. */
  private static final class Shard implements AutoCloseable {
    final Path path;
    final boolean gzip;
    OutputStream os;
    long lines;
    long bytes;

    Shard(Path path, boolean gzip) {
      this.path = path;
      this.gzip = gzip;
    }

    void write(byte[] b, int len) throws IOException {
      if (os == null) {
        Files.createDirectories(path.getParent());
        OutputStream file = Files.newOutputStream(path);
        os = gzip ? new BufferedOutputStream(new FastGzip(file), 1 << 17) : new BufferedOutputStream(file, 1 << 17);
      }
      os.write(b, 0, len);
      os.write('\n');
      lines++;
      bytes += len + 1;
    }

    @Override
    public void close() throws IOException {
      if (os != null) {
        os.close();
      }
    }
  }

  private static UnitStats writeUnit(Config config, Path root, String ext, K8sLines k8s, long startNanos, int unit,
      long k8sCount, List<PlannedLine> planned) throws IOException {
    int hour = unit / 2;
    boolean activity = unit % 2 == 0;
    long hourStart = startNanos + hour * HOUR;
    Instant hs = GenUtil.ofNanos(hourStart);
    LocalDate date = LocalDate.ofInstant(hs, ZoneOffset.UTC);
    int hh = hs.atZone(ZoneOffset.UTC).getHour();
    Path dir = root.resolve(activity ? "activity" : "data_access")
        .resolve(String.format(Locale.ROOT, "%04d/%02d/%02d", date.getYear(), date.getMonthValue(),
            date.getDayOfMonth()));
    String base = String.format(Locale.ROOT, "%02d:00:00_%02d:59:59_", hh, hh);
    UnitStats st = new UnitStats();
    SplittableRandom r = new SplittableRandom(GenUtil.mix(config.seed, 1_000_003L + unit));
    K8sLines.Ctx ctx = k8s.new Ctx(r);

    long[] ts = new long[(int) k8sCount];
    for (int i = 0; i < ts.length; i++) {
      ts[i] = hourStart + 1000 + r.nextLong(HOUR - 1000); // strictly after the hour start, even at microseconds
    }
    Arrays.sort(ts);

    K8sLines.ByteLine line = new K8sLines.ByteLine();
    ArrayDeque<long[]> pendingMeta = new ArrayDeque<>();
    ArrayDeque<byte[]> pendingBytes = new ArrayDeque<>();

    try (Shard s0 = new Shard(dir.resolve(base + "S0" + ext), config.gzip);
        Shard a0 = new Shard(dir.resolve(base + "A0" + ext), config.gzip)) {
      // late planned lines go to A0 (in planning order)
      for (PlannedLine pl : planned) {
        if (pl.late) {
          writePlanned(pl, a0, st);
        }
      }
      int j = 0;
      int i = 0;
      while (i < ts.length || j < planned.size()) {
        if (j < planned.size() && planned.get(j).late) {
          j++;
          continue;
        }
        boolean takePlanned = j < planned.size() && (i >= ts.length || planned.get(j).sortNanos <= ts[i]);
        if (takePlanned) {
          PlannedLine pl = planned.get(j++);
          for (byte[] blank : pl.blanksBefore) {
            s0.write(blank, blank.length);
            st.empty++;
          }
          writePlanned(pl, s0, st);
          if (pl.dup == PlannedLine.DUP_SAME_FILE) {
            pendingMeta.add(new long[] {1 + r.nextInt(4)});
            pendingBytes.add(pl.bytes);
            st.dup++;
          } else if (pl.dup == PlannedLine.DUP_LATE_SHARD) {
            a0.write(pl.bytes, pl.bytes.length);
            st.dup++;
          }
        } else {
          long t = ts[i++];
          boolean late = r.nextInt(1000) < LATE_PER_MILLE;
          long rts = late ? t + GenUtil.NANOS_PER_SECOND * r.nextLong(3600, 4 * 3600)
              : t + r.nextLong(150_000_000L, 2_500_000_000L);
          ctx.prepare(null, t, rts);
          line.reset();
          ctx.render(line, ctx.pick(activity));
          byte[] buf = line.buf;
          int len = line.len;
          Shard target = late ? a0 : s0;
          target.write(buf, len);
          st.k8s++;
          st.maxEvent = Math.max(st.maxEvent, t - Math.floorMod(t, 1000L));
          if (r.nextInt(1000) < DUP_PER_MILLE) {
            if (late || r.nextInt(10) < 3) {
              a0.write(buf, len);
            } else {
              pendingMeta.add(new long[] {1 + r.nextInt(6)});
              pendingBytes.add(Arrays.copyOf(buf, len));
            }
            st.dup++;
          }
          if (late) {
            continue;
          }
        }
        // a content line went to S0: release pending same-file duplicates whose delay ran out
        int n = pendingMeta.size();
        for (int k = 0; k < n; k++) {
          long[] m = pendingMeta.poll();
          byte[] b = pendingBytes.poll();
          if (--m[0] <= 0) {
            s0.write(b, b.length);
          } else {
            pendingMeta.add(m);
            pendingBytes.add(b);
          }
        }
      }
      while (!pendingMeta.isEmpty()) {
        pendingMeta.poll();
        byte[] b = pendingBytes.poll();
        s0.write(b, b.length);
      }
      st.total = s0.lines + a0.lines;
      st.bytes = s0.bytes + a0.bytes;
      st.files = (s0.os != null ? 1 : 0) + (a0.os != null ? 1 : 0);
      st.lateShards = a0.os != null ? 1 : 0;
    }
    return st;
  }

  private static void writePlanned(PlannedLine pl, Shard shard, UnitStats st) throws IOException {
    shard.write(pl.bytes, pl.bytes.length);
    switch (pl.kind) {
      case CM:
        st.cm++;
        break;
      case K8S:
        st.k8s++;
        break;
      default:
        st.bad++;
        break;
    }
    if (pl.kind != PlannedLine.Kind.BAD) {
      st.maxEvent = Math.max(st.maxEvent, pl.eventNanos);
    }
  }

  // ------------------------------------------------------------------------------------------------ side files

  private static void writeMetadata(Path out, Fleet fleet, Instant updateTime) throws IOException {
    ObjectMapper m = new ObjectMapper();
    StringBuilder sb = new StringBuilder();
    for (Fleet.Cluster c : fleet.clusters) {
      if (!c.hasMetadata) {
        continue;
      }
      sb.append(m.writeValueAsString(fleet.assetLine(c, updateTime, c == fleet.stagingApps))).append('\n');
    }
    Files.write(out.resolve("cluster-metadata.json"), sb.toString().getBytes(StandardCharsets.UTF_8));
  }

  private static int writeExpected(Path out, Config config, AuditPlan plan, UnitStats total, Fleet fleet)
      throws IOException {
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("generator", SampleExportGenerator.class.getName());
    doc.put("format_version", 1);
    Map<String, Object> cfg = new LinkedHashMap<>();
    cfg.put("seed", config.seed);
    cfg.put("start", GenUtil.rfc3339(config.start));
    cfg.put("days", config.days);
    cfg.put("end", GenUtil.rfc3339(config.start.plus(Duration.ofDays(config.days))));
    cfg.put("lines", config.lines > 0 ? config.lines : null);
    cfg.put("gzip", config.gzip);
    doc.put("config", cfg);
    Map<String, Object> opts = new LinkedHashMap<>();
    opts.put("rotationMaxOpenHours", 24);
    opts.put("burstThreshold", 4);
    opts.put("burstWindowMinutes", 60);
    opts.put("deniedThreshold", 5);
    opts.put("deniedWindowMinutes", 60);
    opts.put("fanoutThreshold", 5);
    opts.put("fanoutWindowMinutes", 60);
    opts.put("principalLookbackDays", 30);
    opts.put("baselineDays", 7);
    opts.put("trustedCidrs", "");
    doc.put("pipeline_options_assumed", opts);
    doc.put("inputs", AuditPlan.lo(
        "log_files", "cloudaudit.googleapis.com/**",
        "cluster_metadata", "cluster-metadata.json",
        "note", "expected.json and cluster-metadata.json are not log input; point --inputFiles at the "
            + "cloudaudit.googleapis.com tree only"));

    Map<String, Object> acc = new LinkedHashMap<>();
    acc.put("totalLines", total.total);
    acc.put("emptyLines", total.empty);
    acc.put("badLines", total.bad);
    acc.put("duplicateLines", total.dup);
    acc.put("k8sLines", total.k8s);
    acc.put("clusterManagerEntries", total.cm);
    acc.put("parsedEntries", total.k8s + total.cm);
    acc.put("maxEventTime", GenUtil.rfc3339(GenUtil.ofNanos(total.maxEvent)));
    acc.put("files", total.files);
    acc.put("lateShardFiles", total.lateShards);
    acc.put("uncompressedBytes", total.bytes);
    acc.put("definitions", AuditPlan.lo(
        "totalLines", "newline-terminated lines over all log files (no \\r anywhere)",
        "emptyLines", "blank or whitespace-only lines",
        "badLines", "lines that are not a LogEntry: not JSON, not an object, or no timestamp/receiveTimestamp",
        "duplicateLines", "extra copies of an entry with the same (logName, insertId, timestamp)",
        "k8sLines", "distinct parseable entries that are not ClusterManager entries (all are k8s.io here)",
        "clusterManagerEntries", "distinct entries with serviceName container.googleapis.com and a ClusterManager "
            + "or ClusterManagerInternal method",
        "maxEventTime", "latest timestamp (else receiveTimestamp) of any parseable entry"));
    doc.put("accounting", acc);
    doc.put("bad_lines", plan.badLines);

    List<Map<String, Object>> clusters = new ArrayList<>();
    for (Fleet.Cluster c : fleet.clusters) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("project_id", c.project.id());
      m.put("location", c.location);
      m.put("cluster_name", c.name);
      m.put("zonal", c.zonal);
      m.put("has_metadata", c.hasMetadata);
      m.put("labels", c.labels);
      m.put("severity_escalates", c.escalates());
      m.put("maintenance", c.hasMetadata ? c.maintenance.kind.name() : null);
      m.put("current_master_version", c.hasMetadata ? c.masterVersion : null);
      clusters.add(m);
    }
    doc.put("clusters", clusters);

    int defaultFindings = 0;
    int optionFindings = 0;
    for (Map<String, Object> inc : plan.incidents) {
      @SuppressWarnings("unchecked")
      List<Map<String, Object>> fs = (List<Map<String, Object>>) inc.get("findings");
      for (Map<String, Object> f : fs) {
        if (f.get("requires") == null) {
          defaultFindings++;
        } else {
          optionFindings++;
        }
      }
    }
    doc.put("expected_findings_default_options", defaultFindings);
    doc.put("expected_findings_with_trusted_cidrs", defaultFindings + optionFindings);
    doc.put("incidents", plan.incidents);
    doc.put("negative_controls", plan.negativeControls);
    doc.put("secret", AuditPlan.lo("insert_id", plan.secretInsertId,
        "where", "protoPayload.request.update.password of that SetMasterAuth entry",
        "value", "see com.gkeaudit.tools.SampleExportGenerator.SECRET; it must never appear in any pipeline output"));
    doc.put("transport", plan.transport);

    ObjectMapper m = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    Files.write(out.resolve("expected.json"), (m.writeValueAsString(doc) + "\n").getBytes(StandardCharsets.UTF_8));
    return defaultFindings + optionFindings;
  }

  private static long sizeOf(Path root) throws IOException {
    if (!Files.exists(root)) {
      return 0;
    }
    long[] size = {0};
    Files.walkFileTree(root, new SimpleFileVisitor<>() {
      @Override
      public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
        size[0] += attrs.size();
        return FileVisitResult.CONTINUE;
      }
    });
    return size[0];
  }

  private static void deleteTree(Path root) throws IOException {
    if (!Files.exists(root)) {
      return;
    }
    Files.walkFileTree(root, new SimpleFileVisitor<>() {
      @Override
      public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
        Files.delete(file);
        return FileVisitResult.CONTINUE;
      }

      @Override
      public FileVisitResult postVisitDirectory(Path dir, IOException exc) throws IOException {
        Files.delete(dir);
        return FileVisitResult.CONTINUE;
      }
    });
  }
}
