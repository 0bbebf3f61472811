package com.gkeaudit.parse;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** The records of an export file as bytes, split on newlines (the samples hold invalid UTF-8 on purpose). */
public final class SampleRecords {
  private SampleRecords() {}

  public static List<byte[]> of(Path file) throws IOException {
    byte[] bytes = Files.readAllBytes(file);
    List<byte[]> records = new ArrayList<>();
    for (int start = 0, end; start < bytes.length; start = end + 1) {
      end = start;
      while (end < bytes.length && bytes[end] != '\n') {
        end++;
      }
      records.add(Arrays.copyOfRange(bytes, start, end));
    }
    return records;
  }
}
