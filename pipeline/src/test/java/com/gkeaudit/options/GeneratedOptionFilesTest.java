package com.gkeaudit.options;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * templates/metadata.json and docs/options.md are generated from the option declarations: a new or changed option
 * touches its declaration only, and this test fails until the files are regenerated
 * ({@code scripts/generate-option-docs.sh}, which runs this test with {@code -Dgkeaudit.regenerate=true}).
 */
class GeneratedOptionFilesTest {
  private static final boolean REGENERATE = Boolean.getBoolean("gkeaudit.regenerate");
  private static final String HOW = " is stale: run scripts/generate-option-docs.sh";

  @Test
  void templateMetadataListsExactlyTheDeclaredOptions() throws IOException {
    Path file = TemplateMetadataTest.METADATA;
    String current = Files.readString(file);
    String generated = OptionDocs.metadataJson(current);
    check(file, current, generated);
  }

  @Test
  void optionReferenceListsExactlyTheDeclaredOptions() throws IOException {
    Path file = Path.of("..", "docs", "options.md");
    String current = Files.exists(file) ? Files.readString(file) : "";
    check(file, current, OptionDocs.optionsMarkdown());
  }

  private static void check(Path file, String current, String generated) throws IOException {
    if (REGENERATE && !generated.equals(current)) {
      Files.createDirectories(file.getParent());
      Files.writeString(file, generated);
      return;
    }
    assertEquals(generated, current, file + HOW);
  }
}
