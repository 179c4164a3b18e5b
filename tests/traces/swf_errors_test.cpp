// Malformed SWF input: every problem names file, line, field, what was expected and found;
// lenient mode skips and counts; no input crashes the reader.
#include <gtest/gtest.h>

#include <random>

#include "sim/error.hpp"
#include "traces/swf.hpp"
#include "traces/swf_test_util.hpp"

namespace clustersim {
namespace {

using swf_test::error_of;
using swf_test::line_with;
using swf_test::record;

const std::string kGood = record(1, "0", "10", "4");

TEST(SwfReader, ReportsLineAndFieldOfNonNumericValue) {
  EXPECT_EQ(error_of("; Version: 2\n" + kGood + line_with(4, "abc")),
            "t.swf:3: field 4 (run time): expected a number, found 'abc'");
  EXPECT_EQ(error_of(line_with(12, "alice")),
            "t.swf:1: field 12 (user): expected an integer, found 'alice'");
  EXPECT_EQ(error_of(line_with(2, "1e3")),
            "t.swf:1: field 2 (submit time): expected a number, found '1e3'");
  EXPECT_EQ(error_of(line_with(1, "-")),
            "t.swf:1: field 1 (job number): expected an integer, found '-'");
  EXPECT_EQ(error_of(line_with(6, ".")),
            "t.swf:1: field 6 (average CPU time): expected a number, found '.'");
  EXPECT_EQ(error_of(line_with(9, "1.2.3")),
            "t.swf:1: field 9 (requested time): expected a number, found '1.2.3'");
}

TEST(SwfReader, ReportsTooFewFields) {
  EXPECT_EQ(error_of(kGood + "1 2 3 4 5 6 7 8 9 10 1\n"),
            "t.swf:2: field 12 (user): missing: expected 18 fields, found 11");
  EXPECT_EQ(error_of("7\r\n"), "t.swf:1: field 2 (submit time): missing: expected 18 fields, found 1");
}

TEST(SwfReader, ReportsTooManyFields) {
  std::string line = kGood;
  line.pop_back();
  EXPECT_EQ(error_of(line + " 42 43\n"),
            "t.swf:1: field 19 (extra field): expected exactly 18 fields, found 20 "
            "(first extra: '42')");
}

TEST(SwfReader, ReportsDecimalInIntegerField) {
  EXPECT_EQ(error_of(line_with(5, "12.5")),
            "t.swf:1: field 5 (allocated processors): expected an integer, found the decimal "
            "'12.5'");
  EXPECT_EQ(error_of(line_with(11, "1.0")),
            "t.swf:1: field 11 (status): expected an integer, found the decimal '1.0'");
}

TEST(SwfReader, ReportsValuesOutOfRange) {
  EXPECT_EQ(error_of(line_with(1, "99999999999999999999")),
            "t.swf:1: field 1 (job number): value out of range: expected at most "
            "9223372036854775807, found '99999999999999999999'");
  EXPECT_EQ(error_of(line_with(5, "3000000000")),
            "t.swf:1: field 5 (allocated processors): value out of range: expected at most "
            "2147483647, found '3000000000'");
  EXPECT_EQ(error_of(line_with(4, "10000000000000")),
            "t.swf:1: field 4 (run time): value out of range: expected at most 1000000000000 "
            "seconds, found '10000000000000'");
  EXPECT_EQ(error_of(line_with(7, "1" + std::string(400, '0'))).substr(0, 64),
            "t.swf:1: field 7 (used memory): value out of range of a double, ");
  // Many leading zeros are still a small number.
  EXPECT_EQ(error_of(line_with(1, "000000000000000000000007")), "");
}

TEST(SwfReader, ReportsNegativeValuesOtherThanMinusOne) {
  EXPECT_EQ(error_of(line_with(5, "-5")),
            "t.swf:1: field 5 (allocated processors): expected -1 (missing) or a value >= 0, "
            "found '-5'");
  EXPECT_EQ(error_of(line_with(3, "-2.5")),
            "t.swf:1: field 3 (wait time): expected -1 (missing) or a value >= 0, found "
            "'-2.5'");
  EXPECT_EQ(error_of(line_with(7, "-0.5")),
            "t.swf:1: field 7 (used memory): expected -1 (missing) or a value >= 0, found "
            "'-0.5'");
  EXPECT_NE(error_of(line_with(1, "-0")), "");
  EXPECT_EQ(error_of(line_with(3, "-1.000")), "");  // -1 written as a decimal is missing too
}

TEST(SwfReader, ReportsMalformedHeaderValueOfNumericKey) {
  EXPECT_EQ(error_of("; Version: 2\n; MaxProcs: abc\n" + kGood),
            "t.swf:2: header MaxProcs: expected an integer, found 'abc'");
  EXPECT_EQ(error_of("; UnixStartTime: 12.5\n"),
            "t.swf:1: header UnixStartTime: expected an integer, found '12.5'");
  EXPECT_EQ(error_of("; TimeZone: -3600\n; Computer: 128 nodes\n"), "");
}

TEST(SwfReader, ShowsUnprintableBytesEscapedAndLongTokensCut) {
  EXPECT_EQ(error_of(line_with(4, std::string("1\x01\xff", 3))),
            "t.swf:1: field 4 (run time): expected a number, found '1\\x01\\xff'");
  const std::string message = error_of(line_with(4, std::string(100, 'x')));
  EXPECT_NE(message.find("found '" + std::string(40, 'x') + "...'"), std::string::npos);
}

TEST(SwfReader, NamesThePathAndReasonOfAMissingFile) {
  try {
    read_swf("/nonexistent/dir/trace.swf");
    FAIL() << "no error";
  } catch (const InputError& e) {
    EXPECT_EQ(std::string(e.what()),
              "/nonexistent/dir/trace.swf: cannot open: No such file or directory");
  }
  try {
    read_swf_records(CLUSTERSIM_TEST_DATA_DIR);
    FAIL() << "no error";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("Is a directory"), std::string::npos) << e.what();
  }
}

TEST(SwfReader, ReportsTheErrorWithThePathItWasGiven) {
  try {
    parse_swf(line_with(8, "x"), "/data/logs/a.swf");
    FAIL() << "no error";
  } catch (const InputError& e) {
    EXPECT_EQ(std::string(e.what()),
              "/data/logs/a.swf:1: field 8 (requested processors): expected an integer, found "
              "'x'");
  }
}

TEST(SwfReaderLenient, SkipsAndCountsMalformedLines) {
  SwfOptions lenient;
  lenient.strict = false;
  const std::string text = kGood + line_with(4, "abc") + "; MaxProcs: lots\n" +
                           record(2, "5", "3", "2") + "1 2 3\n";
  const Workload w = parse_swf(text, "t.swf", lenient);
  ASSERT_EQ(w.jobs.size(), 2u);
  EXPECT_EQ(w.skipped.at(swf_skip::kMalformed), 2);
  EXPECT_EQ(w.machine.max_procs, 0);  // the malformed header value is ignored
  ASSERT_EQ(w.warnings.size(), 3u);
  EXPECT_EQ(w.warnings[0], "t.swf:2: field 4 (run time): expected a number, found 'abc'");
  EXPECT_EQ(w.warnings[1], "t.swf:3: header MaxProcs: expected an integer, found 'lots'");
  EXPECT_EQ(w.warnings[2],
            "t.swf:5: field 4 (run time): missing: expected 18 fields, found 3");

  const SwfTrace t = parse_swf_records(text, "t.swf", lenient);
  EXPECT_EQ(t.records.size(), 2u);
  EXPECT_EQ(t.malformed_lines, 2);
  EXPECT_EQ(t.warnings.size(), 3u);
}

TEST(SwfReaderLenient, KeepsOnlyTheFirstTenMessages) {
  SwfOptions lenient;
  lenient.strict = false;
  std::string text;
  for (int i = 0; i < 25; ++i) text += "garbage line " + std::to_string(i) + "\n" + kGood;
  const Workload w = parse_swf(text, "t.swf", lenient);
  EXPECT_EQ(w.jobs.size(), 25u);
  EXPECT_EQ(w.skipped.at(swf_skip::kMalformed), 25);
  ASSERT_EQ(w.warnings.size(), 10u);
  EXPECT_EQ(w.warnings[9].substr(0, 9), "t.swf:19:");
}

// Random bytes and mutations of a valid log: each input parses or raises InputError, never
// anything else (run under ASan/UBSan this also checks bounds).
TEST(SwfReaderRobustness, SurvivesMutatedAndRandomInput) {
  const std::string seed_text = "; Version: 2.2\n; MaxProcs: 64\n" + record(1, "0", "10.5", "4") +
                                record(2, "3", "7", "-1", "8", "100", "5") +
                                swf_test::line_with(7, "12.25");
  const std::string alphabet = std::string("0123456789 -.;:\t\r\n") + '\0' + "eE+abc\xff";
  std::mt19937_64 rng(12345);
  for (int round = 0; round < 20'000; ++round) {
    std::string text = seed_text;
    const int edits = 1 + static_cast<int>(rng() % 6);
    for (int e = 0; e < edits; ++e) {
      const size_t pos = text.empty() ? 0 : rng() % text.size();
      const char c = alphabet[rng() % alphabet.size()];
      switch (rng() % 4) {
        case 0: if (!text.empty()) text[pos] = c; break;
        case 1: text.insert(text.begin() + static_cast<std::ptrdiff_t>(pos), c); break;
        case 2: if (!text.empty()) text.erase(pos, 1 + rng() % 8); break;
        default: text.resize(pos); break;
      }
    }
    for (bool strict : {true, false}) {
      SwfOptions o;
      o.strict = strict;
      try {
        const Workload w = parse_swf(text, "fuzz.swf", o);
        for (const JobSpec& j : w.jobs) {
          ASSERT_GT(j.runtime, Time::zero());
          ASSERT_GT(j.walltime, Time::zero());
          ASSERT_GT(j.tasks, 0);
        }
        const SwfTrace t = parse_swf_records(text, "fuzz.swf", o);
        ASSERT_EQ(parse_swf_records(to_swf_text(t), "again.swf", o).records, t.records);
      } catch (const InputError&) {
        ASSERT_TRUE(strict) << "lenient mode raised on: " << text;
      }
    }
  }
  for (int round = 0; round < 2'000; ++round) {  // random bytes
    std::string text(rng() % 200, ' ');
    for (char& c : text) c = static_cast<char>(rng() % 4 == 0 ? rng() % 256 : alphabet[rng() % alphabet.size()]);
    SwfOptions lenient;
    lenient.strict = false;
    EXPECT_NO_THROW(parse_swf(text, "random.swf", lenient));
    EXPECT_NO_THROW(parse_swf_records(text, "random.swf", lenient));
  }
  for (std::string_view text : {std::string_view("\0", 1), std::string_view(";"),
                                 std::string_view("-"), std::string_view("\n\n\n;\n"),
                                 std::string_view(".\n")}) {
    SwfOptions lenient;
    lenient.strict = false;
    EXPECT_NO_THROW(parse_swf(text, "edge.swf", lenient));
  }
}

}  // namespace
}  // namespace clustersim
