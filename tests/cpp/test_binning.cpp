#include <doctest/doctest.h>

#include <numeric>
#include <stdexcept>
#include <vector>

#include "tealeaves/spectral/binning.hpp"

using tealeaves::EventSeries;
using tealeaves::SeriesOptions;
using tealeaves::spectral::bin_events;

TEST_CASE("bins are left-closed, and an event at the window end joins the last bin") {
  SeriesOptions o;
  o.start = 0.0;
  o.end = 10.0;
  const EventSeries s(std::vector<double>{0.0, 0.999, 1.0, 5.5, 10.0}, o);
  const auto b = bin_events(s, 1.0);
  REQUIRE(b.counts.size() == 10);  // exactly 10 widths -> 10 bins
  CHECK(b.counts[0] == 2.0);
  CHECK(b.counts[1] == 1.0);
  CHECK(b.counts[5] == 1.0);
  CHECK(b.counts[9] == 1.0);
  CHECK(std::accumulate(b.counts.begin(), b.counts.end(), 0.0) == 5.0);
  CHECK(b.total_count == 5.0);
  for (double e : b.exposure) CHECK(e == doctest::Approx(1.0));
}

TEST_CASE("a partial last bin reports its observed fraction") {
  SeriesOptions o;
  o.start = 0.0;
  o.end = 2.5;
  const auto b = bin_events(EventSeries(std::vector<double>{2.4}, o), 1.0);
  REQUIRE(b.counts.size() == 3);
  CHECK(b.counts[2] == 1.0);
  CHECK(b.exposure[2] == doctest::Approx(0.5));
}

TEST_CASE("gaps lower the exposure of the bins they cover") {
  SeriesOptions o;
  o.start = 0.0;
  o.end = 4.0;
  o.gaps = {{1.5, 3.0}};
  const auto b = bin_events(EventSeries(std::vector<double>{0.5, 3.5}, o), 1.0);
  REQUIRE(b.exposure.size() == 4);
  CHECK(b.exposure[0] == doctest::Approx(1.0));
  CHECK(b.exposure[1] == doctest::Approx(0.5));
  CHECK(b.exposure[2] == doctest::Approx(0.0));
  CHECK(b.exposure[3] == doctest::Approx(1.0));
}

TEST_CASE("multiplicities are counted, and a single event gives one bin") {
  SeriesOptions o;
  o.duplicates = tealeaves::DuplicatePolicy::collapse;
  o.duplicate_tolerance = 0.1;
  const auto b = bin_events(EventSeries(std::vector<double>{7.0, 7.05, 7.08}, o), 60.0);
  REQUIRE(b.counts.size() == 1);
  CHECK(b.counts[0] == 3.0);
  CHECK(b.origin == 7.0);
}

TEST_CASE("bin width is validated and names itself") {
  const EventSeries s(std::vector<double>{0.0, 1e6});
  CHECK_THROWS_WITH_AS(bin_events(s, 0.0), doctest::Contains("bin_width: must be positive"),
                       std::invalid_argument);
  CHECK_THROWS_WITH_AS(bin_events(s, -1.0), doctest::Contains("bin_width:"), std::invalid_argument);
  CHECK_THROWS_WITH_AS(bin_events(s, 1e-6), doctest::Contains("more than 2^31 bins"),
                       std::invalid_argument);
}
