package com.gkeaudit.rules;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.nullValue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

class GkeVersionTest {

  private static GkeVersion version(String text) {
    return GkeVersion.parse(text).orElseThrow();
  }

  @Test
  void fullVersionHasAllFourComponents() {
    GkeVersion v = version("1.30.5-gke.1");
    assertThat(v.major(), is(1));
    assertThat(v.minor(), is(30));
    assertThat(v.patch(), is(5));
    assertThat(v.gkeBuild(), is(1));
    assertThat(v.given(), is(4));
  }

  @Test
  void largeGkeBuildNumberIsKept() {
    GkeVersion v = version("1.27.3-gke.100");
    assertThat(v.patch(), is(3));
    assertThat(v.gkeBuild(), is(100));
  }

  @Test
  void minorOnlyVersionLeavesPatchAndBuildUnset() {
    GkeVersion v = version("1.29");
    assertThat(v.minor(), is(29));
    assertThat(v.patch(), is(nullValue()));
    assertThat(v.gkeBuild(), is(nullValue()));
    assertThat(v.given(), is(2));
  }

  @Test
  void patchVersionWithoutGkeSuffixGivesThreeComponents() {
    GkeVersion v = version("1.30.5");
    assertThat(v.patch(), is(5));
    assertThat(v.gkeBuild(), is(nullValue()));
    assertThat(v.given(), is(3));
  }

  @Test
  void toStringIsTheTextAsWritten() {
    assertThat(version("1.27.3-gke.100").toString(), is("1.27.3-gke.100"));
    assertThat(version("1.29").toString(), is("1.29"));
  }

  @Test
  void surroundingWhitespaceIsIgnored() {
    assertThat(version(" 1.30.5-gke.1 ").toString(), is("1.30.5-gke.1"));
  }

  @ParameterizedTest
  @NullAndEmptySource
  @ValueSource(
      strings = {
        " ", "-", "latest", "LATEST", "Latest", "garbage", "1", "1.", "1.x", "v1.30.5", "1.30.5.6",
        "1.30-gke.1", "1.30.5-gke", "1.30.5-gke.", "1.30.5-gke.1-extra", "1.30.5-gke.x", "1.30.5+gke.1",
        "9999999999.1", "1.30.5-gke.99999999999"
      })
  void unparsableTextGivesNoVersion(String text) {
    assertThat(GkeVersion.parse(text).isPresent(), is(false));
  }

  @ParameterizedTest(name = "{0} below {1}: {2}")
  @CsvSource({
    // fewer components requested: compare only those
    "1.29,           1.30.5-gke.1,   true",
    "1.30,           1.30.5-gke.1,   false",
    "1.31,           1.30.5-gke.1,   false",
    "1.30.4,         1.30.5-gke.1,   true",
    "1.30.5,         1.30.5-gke.1,   false",
    // all four components
    "1.30.5-gke.1,   1.30.5-gke.2,   true",
    "1.30.5-gke.2,   1.30.5-gke.1,   false",
    "1.30.5-gke.1,   1.30.5-gke.1,   false",
    // fewer components known for the current version: compare only as far as it goes
    "1.30.5-gke.2,   1.30.5,         false",
    "1.30.5,         1.30,           false",
    "1.29.9-gke.1,   1.30,           true",
    // numeric, not lexical, ordering
    "1.9,            1.10,           true",
    "1.30.5-gke.100, 1.30.5-gke.99,  false",
    "1.30.10,        1.30.9-gke.1,   false",
  })
  void isBelowComparesOnlyTheComponentsBothGive(String requested, String current, boolean below) {
    assertThat(version(requested).isBelow(version(current)), is(below));
  }
}
