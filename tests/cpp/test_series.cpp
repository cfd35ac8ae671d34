#include <doctest/doctest.h>

#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>
#include <vector>

#include "tealeaves/core/series.hpp"

using tealeaves::DuplicatePolicy;
using tealeaves::EventSeries;
using tealeaves::SeriesOptions;

namespace {

std::string message_of(const std::vector<double>& times, const SeriesOptions& options) {
  try {
    EventSeries s(times, options);
  } catch (const std::invalid_argument& e) {
    return e.what();
  }
  return "";
}

bool starts_with(const std::string& text, const std::string& prefix) {
  return text.rfind(prefix, 0) == 0;
}

}  // namespace

TEST_CASE("times are stored relative to the window start, keeping epoch precision") {
  const std::vector<double> t{1.7e9 + 0.25, 1.7e9 + 1.5, 1.7e9 + 3.0};
  SeriesOptions o;
  o.start = 1.7e9;
  o.end = 1.7e9 + 10.0;
  const EventSeries s(t, o);
  CHECK(s.origin() == 1.7e9);
  CHECK(s.duration() == 10.0);
  CHECK(s.times()[0] == 0.25);
  CHECK(s.times()[2] == 3.0);
  CHECK(s.exposure() == 10.0);
  CHECK(s.total_count() == 3);
}

TEST_CASE("default window runs from the first to the last event") {
  const EventSeries s(std::vector<double>{5.0, 6.0, 9.0});
  CHECK(s.origin() == 5.0);
  CHECK(s.duration() == 4.0);
  CHECK(s.good_intervals().size() == 1);
}

TEST_CASE("bad times are rejected with the argument named") {
  SeriesOptions o;
  CHECK(starts_with(message_of({}, o), "times: is empty"));
  CHECK(starts_with(message_of({1.0, std::nan("")}, o), "times: value at index 1"));
  CHECK(starts_with(message_of({1.0, std::numeric_limits<double>::infinity()}, o), "times:"));
  CHECK(starts_with(message_of({3.0, 1.0, 2.0}, o), "times: not sorted: times[1]"));
  CHECK(message_of({1.7e12}, o).find("milliseconds") != std::string::npos);
  o.start = 2.0;
  CHECK(starts_with(message_of({1.0, 3.0}, o), "start: 1 events precede"));
  o.start.reset();
  o.end = 2.0;
  CHECK(starts_with(message_of({1.0, 3.0}, o), "end: 1 events follow"));
  o.end = 0.5;
  o.start = 1.0;
  CHECK(starts_with(message_of({1.0}, o), "end: window end"));
  SeriesOptions tol;
  tol.duplicate_tolerance = -1.0;
  CHECK(starts_with(message_of({1.0}, tol), "duplicate_tolerance:"));
}

TEST_CASE("sorting on request is a counted repair") {
  SeriesOptions o;
  o.sort = true;
  const EventSeries s(std::vector<double>{3.0, 1.0, 2.0, 0.5}, o);
  CHECK(s.repairs().n_out_of_order == 2);
  CHECK(s.times()[0] == 0.0);
  CHECK(s.times()[3] == 2.5);
}

TEST_CASE("an empty series needs an explicit window") {
  SeriesOptions o;
  o.start = 0.0;
  o.end = 100.0;
  const EventSeries s(std::vector<double>{}, o);
  CHECK(s.empty());
  CHECK(s.duration() == 100.0);
}

TEST_CASE("gaps: merged, clipped, and events inside them are errors or counted drops") {
  SeriesOptions o;
  o.start = 0.0;
  o.end = 100.0;
  o.gaps = {{40.0, 60.0}, {10.0, 20.0}, {15.0, 25.0}, {90.0, 200.0}};
  const EventSeries s(std::vector<double>{5.0, 30.0, 60.0, 70.0}, o);
  CHECK(s.repairs().n_gaps_merged == 1);
  const auto& good = s.good_intervals();
  REQUIRE(good.size() == 3);
  CHECK(good[0].start == 0.0);
  CHECK(good[0].stop == 10.0);
  CHECK(good[1].start == 25.0);
  CHECK(good[2].stop == 90.0);
  CHECK(s.exposure() == doctest::Approx(10.0 + 15.0 + 30.0));

  CHECK(starts_with(message_of({5.0, 50.0}, o), "gaps: 1 events fall strictly inside"));
  o.drop_outside = true;
  const EventSeries dropped(std::vector<double>{5.0, 50.0, 95.0}, o);
  CHECK(dropped.size() == 1);
  CHECK(dropped.repairs().n_dropped_outside == 2);

  SeriesOptions bad;
  bad.gaps = {{5.0, 4.0}};
  CHECK(starts_with(message_of({1.0, 9.0}, bad), "gaps[0]: start 5 must be below stop 4"));
}

TEST_CASE("duplicates are counted, and collapsed with their multiplicity on request") {
  const std::vector<double> t{0.0, 0.0, 1.0, 1.5, 1.8, 1.9, 5.0};
  SeriesOptions keep;
  const EventSeries kept(t, keep);
  CHECK(kept.size() == 7);
  CHECK(kept.repairs().n_duplicates == 1);

  SeriesOptions collapse;
  collapse.duplicates = DuplicatePolicy::collapse;
  collapse.duplicate_tolerance = 0.75;  // e.g. an NBNS retry triplet 0.75 s apart
  const EventSeries c(t, collapse);
  // Runs anchored at their first event: {0,0}, {1,1.5}, {1.8}, ... 1.9-1.8 <= 0.75 joins 1.8.
  REQUIRE(c.size() == 4);
  CHECK(c.multiplicity()[0] == 2);
  CHECK(c.multiplicity()[1] == 2);
  CHECK(c.multiplicity()[2] == 2);
  CHECK(c.multiplicity()[3] == 1);
  CHECK(c.total_count() == 7);
  CHECK(c.repairs().n_collapsed == 3);
}

TEST_CASE("time_origin lets callers pass exact small offsets from an absolute epoch") {
  SeriesOptions o;
  o.time_origin = 1.7e9;
  const EventSeries s(std::vector<double>{1e-7, 2e-7}, o);
  CHECK(s.origin() == 1.7e9 + 1e-7);
  CHECK(s.times()[1] == doctest::Approx(1e-7).epsilon(1e-12));
}

TEST_CASE("collapsed() merges retry runs after the fact and keeps the window") {
  SeriesOptions o;
  o.start = 0.0;
  o.end = 100.0;
  o.gaps = {{50.0, 60.0}};
  const EventSeries s(std::vector<double>{1.0, 1.75, 2.5, 10.0, 10.0, 70.0}, o);
  const EventSeries c = s.collapsed(0.8);
  REQUIRE(c.size() == 4);  // {1, 1.75}, {2.5}, {10, 10}, {70}
  CHECK(c.multiplicity()[0] == 2);
  CHECK(c.multiplicity()[2] == 2);
  CHECK(c.total_count() == 6);
  CHECK(c.repairs().n_collapsed == 2);
  CHECK(c.good_intervals().size() == 2);
  CHECK(c.duration() == 100.0);
  CHECK_THROWS_WITH_AS(s.collapsed(-1.0), doctest::Contains("tolerance:"), std::invalid_argument);
}
