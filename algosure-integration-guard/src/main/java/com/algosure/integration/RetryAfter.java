package com.algosure.integration;

import java.time.DateTimeException;
import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Parses {@code Retry-After} (RFC 9110 section 10.2.3): delta-seconds or an HTTP date in any of the three
 * forms a recipient must accept (section 5.6.7): the IMF-fixdate ({@code Sun, 06 Nov 1994 08:49:37 GMT}),
 * the obsolete RFC 850 date ({@code Sunday, 06-Nov-94 08:49:37 GMT}) and the obsolete asctime date
 * ({@code Sun Nov  6 08:49:37 1994}, always UTC). Names are matched ignoring case; a day name that does not
 * match the date makes the value invalid, as it does for the IMF-fixdate. Internal.
 */
final class RetryAfter {

  /** Longer than a day is a provider bug or an attack on our threads; cap it. */
  private static final long MAX_SECONDS = 86_400;

  private static final String MONTH = "(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)";
  private static final String TIME = "(\\d{2}):(\\d{2}):(\\d{2})";
  /** {@code day-name "," SP day "-" month "-" 2DIGIT SP time-of-day SP "GMT"}. */
  private static final Pattern RFC_850 = Pattern.compile(
      "(Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday), (\\d{2})-" + MONTH + "-(\\d{2}) " + TIME + " GMT",
      Pattern.CASE_INSENSITIVE);
  /** {@code day-name SP month SP ( 2DIGIT / ( SP DIGIT ) ) SP time-of-day SP year}. */
  private static final Pattern ASCTIME = Pattern.compile(
      "(Mon|Tue|Wed|Thu|Fri|Sat|Sun) " + MONTH + " (\\d{2}| \\d) " + TIME + " (\\d{4})", Pattern.CASE_INSENSITIVE);

  private RetryAfter() {}

  static Optional<Instant> parse(String value, Instant now) {
    String v = value.trim();
    if (v.isEmpty()) {
      return Optional.empty();
    }
    boolean digits = true;
    for (int i = 0; i < v.length(); i++) {
      char c = v.charAt(i);
      if (c < '0' || c > '9') {
        digits = false;
        break;
      }
    }
    if (digits) {
      int first = 0;
      while (first < v.length() - 1 && v.charAt(first) == '0') {
        first++; // leading zeros add no seconds: "0000300" is 300, not a value too long to read
      }
      int significant = v.length() - first;
      long seconds = significant > 6 ? MAX_SECONDS : Math.min(Long.parseLong(v, first, v.length(), 10), MAX_SECONDS);
      return Optional.of(now.plusSeconds(seconds));
    }
    Instant at = httpDate(v, now);
    if (at == null) {
      return Optional.empty();
    }
    return Optional.of(cap(at, now));
  }

  /**
   * @param at until when a provider asked us to wait: a {@code Retry-After} date, or the time a provider call's
   *     {@link Classification#rateLimited(Instant)} gives
   * @param now the guard's current time
   * @return {@code at}, but no earlier than now and no later than a day from now
   */
  static Instant cap(Instant at, Instant now) {
    Instant max = now.plusSeconds(MAX_SECONDS);
    return at.isBefore(now) ? now : at.isAfter(max) ? max : at;
  }

  /** @return the instant of an HTTP date in any of its three forms, or null if it is none of them */
  private static @Nullable Instant httpDate(String v, Instant now) {
    try {
      return ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
    } catch (DateTimeParseException e) {
      // not an IMF-fixdate: one of the obsolete forms, or nothing
    }
    try {
      Matcher m = RFC_850.matcher(v);
      if (m.matches()) {
        return rfc850(m, now);
      }
      m = ASCTIME.matcher(v);
      if (m.matches()) {
        LocalDateTime at = LocalDateTime.of(Integer.parseInt(m.group(7)), month(m.group(2)),
            Integer.parseInt(m.group(3).trim()), Integer.parseInt(m.group(4)), Integer.parseInt(m.group(5)),
            Integer.parseInt(m.group(6)));
        return dayMatches(at, m.group(1)) ? at.toInstant(ZoneOffset.UTC) : null;
      }
    } catch (DateTimeException e) {
      // a day, hour, minute or second out of range (31-Feb, 24:00, a leap second)
    }
    return null;
  }

  /**
   * RFC 9110 section 5.6.7: a two-digit year that would put the timestamp more than 50 years in the future
   * is the most recent past year with the same last two digits. So the year is the latest of the three
   * candidates (this century's, the last one's, the next one's) that is not more than 50 years ahead.
   */
  private static @Nullable Instant rfc850(Matcher m, Instant now) {
    int twoDigits = Integer.parseInt(m.group(4));
    int month = month(m.group(3));
    int day = Integer.parseInt(m.group(2));
    int hour = Integer.parseInt(m.group(5));
    int minute = Integer.parseInt(m.group(6));
    int second = Integer.parseInt(m.group(7));
    ZonedDateTime utcNow = now.atZone(ZoneOffset.UTC);
    Instant latest = utcNow.plusYears(50).toInstant();
    int century = utcNow.getYear() - Math.floorMod(utcNow.getYear(), 100);
    for (int year = century + 100 + twoDigits; year >= century - 100; year -= 100) {
      LocalDateTime at;
      try {
        at = LocalDateTime.of(year, month, day, hour, minute, second);
      } catch (DateTimeException e) {
        continue; // 29-Feb in a candidate year that is not a leap year
      }
      Instant instant = at.toInstant(ZoneOffset.UTC);
      if (!instant.isAfter(latest)) {
        return dayMatches(at, m.group(1)) ? instant : null;
      }
    }
    return null;
  }

  private static int month(String name) {
    return switch (name.toLowerCase(Locale.ROOT)) {
      case "jan" -> 1;
      case "feb" -> 2;
      case "mar" -> 3;
      case "apr" -> 4;
      case "may" -> 5;
      case "jun" -> 6;
      case "jul" -> 7;
      case "aug" -> 8;
      case "sep" -> 9;
      case "oct" -> 10;
      case "nov" -> 11;
      default -> 12;
    };
  }

  /** @param name a full or three-letter English day name, in any case */
  private static boolean dayMatches(LocalDateTime at, String name) {
    DayOfWeek d = at.getDayOfWeek();
    return name.regionMatches(true, 0, d.name(), 0, 3);
  }
}
