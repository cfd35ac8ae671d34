// Surrogate event series (see surrogates.hpp for what each keeps and kills).
#include "tealeaves/nullmodel/surrogates.hpp"

#include <algorithm>
#include <cmath>
#include <numbers>
#include <utility>

#include "tealeaves/core/errors.hpp"

namespace tealeaves::nullmodel {

namespace {

constexpr double kHour = 3600.0;
// Hour 0 of the Unix epoch was Thursday 00:00 UTC: 72 hours after a Monday 00:00.
constexpr double kEpochHourOfWeek = 72.0;

// Index of the good interval holding relative time t (the first whose stop is >= t).
std::size_t interval_of(const std::vector<Interval>& good, double t) {
  const auto it = std::lower_bound(good.begin(), good.end(), t,
                                   [](const Interval& g, double v) { return g.stop < v; });
  return it == good.end() ? good.size() - 1 : static_cast<std::size_t>(it - good.begin());
}

bool in_good_time(const std::vector<Interval>& good, double t) {
  if (good.empty()) return false;
  const Interval& g = good[interval_of(good, t)];
  return t >= g.start && t <= g.stop;
}

void shuffle_in_place(std::vector<double>& v, Rng& rng) {
  for (std::size_t i = v.size(); i > 1; --i) std::swap(v[i - 1], v[rng.below(i)]);
}

// Events [first, last) of the series lying in each good interval.
std::vector<std::pair<std::size_t, std::size_t>> events_per_interval(const EventSeries& s) {
  const auto t = s.times();
  const auto& good = s.good_intervals();
  std::vector<std::pair<std::size_t, std::size_t>> out(good.size(), {0, 0});
  std::size_t i = 0;
  for (std::size_t j = 0; j < good.size(); ++j) {
    const std::size_t first = i;
    while (i < t.size() && t[i] <= good[j].stop) ++i;
    out[j] = {first, i};
  }
  return out;
}

std::vector<double> smooth_circular(const std::vector<double>& x, double sigma_bins) {
  if (!(sigma_bins > 0.0)) return x;
  const auto n = static_cast<long>(x.size());
  const long half = std::min(n / 2, static_cast<long>(std::ceil(4.0 * sigma_bins)));
  std::vector<double> kernel;
  double norm = 0.0;
  for (long d = -half; d <= half; ++d) {
    const double w = std::exp(-0.5 * static_cast<double>(d * d) / (sigma_bins * sigma_bins));
    kernel.push_back(w);
    norm += w;
  }
  std::vector<double> out(x.size(), 0.0);
  for (long i = 0; i < n; ++i) {
    double acc = 0.0;
    for (long d = -half; d <= half; ++d) {
      acc += kernel[static_cast<std::size_t>(d + half)] *
             x[static_cast<std::size_t>(((i + d) % n + n) % n)];
    }
    out[static_cast<std::size_t>(i)] = acc / norm;
  }
  return out;
}

}  // namespace

Null parse_null(std::string_view name) {
  if (name == "poisson") return Null::poisson;
  if (name == "routine") return Null::routine;
  if (name == "smoothed_rate") return Null::smoothed_rate;
  if (name == "shuffle") return Null::shuffle;
  if (name == "dither") return Null::dither;
  if (name == "circular_shift") return Null::circular_shift;
  if (name == "block_bootstrap") return Null::block_bootstrap;
  throw_invalid("null", "unknown null model '" + std::string(name) +
                            "'; expected poisson, routine, smoothed_rate, shuffle, dither, "
                            "circular_shift or block_bootstrap");
}

std::string null_name(Null null) {
  switch (null) {
    case Null::poisson: return "poisson";
    case Null::routine: return "routine";
    case Null::smoothed_rate: return "smoothed_rate";
    case Null::shuffle: return "shuffle";
    case Null::dither: return "dither";
    case Null::circular_shift: return "circular_shift";
    case Null::block_bootstrap: return "block_bootstrap";
  }
  return "unknown";
}

SurrogateGenerator::SurrogateGenerator(const EventSeries& series, Null null,
                                       const NullOptions& options)
    : series_(&series), null_(null), options_(options) {
  const auto& good = series.good_intervals();
  if (null == Null::poisson) {
    double cumulative = 0.0;
    for (const Interval& g : good) {
      cumulative += g.length();
      segments_.push_back({g.start, g.length(), cumulative});
    }
  } else if (null == Null::routine) {
    require(std::isfinite(options.utc_offset_seconds), "utc_offset_seconds", "must be finite");
    require(options.smoothing_hours >= 0.0, "smoothing_hours", "must be >= 0");
    const std::size_t n_bins = options.weekly ? 168 : 24;
    const double shift = series.origin() + options.utc_offset_seconds;
    const auto bin_of = [&](double t) {
      const double hour = std::floor((shift + t) / kHour) + (options.weekly ? kEpochHourOfWeek : 0);
      const double m = std::fmod(hour, static_cast<double>(n_bins));
      return static_cast<std::size_t>(m < 0 ? m + static_cast<double>(n_bins) : m) % n_bins;
    };
    // Split good time at local hour boundaries; tally exposure and events per bin.
    std::vector<double> exposure(n_bins, 0.0), counts(n_bins, 0.0);
    std::vector<std::size_t> seg_bin;
    for (const Interval& g : good) {
      double a = g.start;
      while (a < g.stop) {
        const double next = (std::floor((shift + a) / kHour) + 1.0) * kHour - shift;
        const double b = std::min(g.stop, std::max(next, a + 1e-9));
        const std::size_t bin = bin_of(0.5 * (a + b));
        segments_.push_back({a, b - a, 0.0});
        seg_bin.push_back(bin);
        exposure[bin] += b - a;
        a = b;
      }
    }
    for (double t : series.times()) counts[bin_of(t)] += 1.0;
    std::vector<double> rate(n_bins, 0.0);
    for (std::size_t b = 0; b < n_bins; ++b) {
      rate[b] = exposure[b] > 0.0 ? counts[b] / exposure[b] : 0.0;
    }
    rate = smooth_circular(rate, options.smoothing_hours);
    double cumulative = 0.0;
    for (std::size_t k = 0; k < segments_.size(); ++k) {
      cumulative += rate[seg_bin[k]] * segments_[k].length;
      segments_[k].cumulative = cumulative;
    }
  } else if (null == Null::smoothed_rate) {
    require(options.bandwidth > 0.0 && std::isfinite(options.bandwidth), "bandwidth",
            "must be finite and > 0, got " + format_number(options.bandwidth));
  } else if (null == Null::dither) {
    require(options.delta >= 0.0 && std::isfinite(options.delta), "delta",
            "must be finite and >= 0, got " + format_number(options.delta));
  } else if (null == Null::block_bootstrap) {
    require(options.block_length >= 1, "block_length", "must be >= 1");
    const auto t = series.times();
    for (const auto& [first, last] : events_per_interval(series)) {
      for (std::size_t i = first; i + 1 < last; ++i) gaps_.push_back(t[i + 1] - t[i]);
    }
  }
}

EventSeries SurrogateGenerator::make(std::vector<double> times) const {
  const auto& good = series_->good_intervals();
  SeriesOptions o;
  o.start = 0.0;
  o.end = series_->duration();
  o.time_origin = series_->origin();
  double cursor = 0.0;
  for (const Interval& g : good) {
    if (g.start > cursor) o.gaps.push_back({cursor, g.start});
    cursor = g.stop;
  }
  if (cursor < series_->duration()) o.gaps.push_back({cursor, series_->duration()});
  return EventSeries(times, o);
}

EventSeries SurrogateGenerator::operator()(Rng& rng) const {
  switch (null_) {
    case Null::poisson:
    case Null::routine: return draw_weighted(rng);
    case Null::smoothed_rate: return draw_kernel(rng);
    case Null::shuffle: return draw_shuffle(rng);
    case Null::dither: return draw_dither(rng);
    case Null::circular_shift: return draw_shift(rng);
    case Null::block_bootstrap: return draw_blocks(rng);
  }
  return make({});
}

// Inverse CDF over the piecewise-constant rate: the first segment whose cumulative weight
// exceeds u (never a zero-weight one), then uniform inside it (u's remainder is uniform there).
EventSeries SurrogateGenerator::draw_weighted(Rng& rng) const {
  const std::size_t n = series_->size();
  std::vector<double> times(n);
  const double total = segments_.empty() ? 0.0 : segments_.back().cumulative;
  for (std::size_t i = 0; i < n; ++i) {
    const double u = rng.uniform() * total;
    auto it = std::upper_bound(segments_.begin(), segments_.end(), u,
                               [](double v, const Segment& s) { return v < s.cumulative; });
    if (it == segments_.end()) --it;  // u == total after rounding
    const double before = it == segments_.begin() ? 0.0 : (it - 1)->cumulative;
    const double weight = it->cumulative - before;
    const double frac = weight > 0.0 ? std::clamp((u - before) / weight, 0.0, 1.0) : 0.5;
    times[i] = it->start + frac * it->length;
  }
  std::sort(times.begin(), times.end());
  return make(std::move(times));
}

// A Gaussian kernel density of the event times, restricted to good time: pick an event,
// displace it by N(0, bandwidth^2), redraw when outside good time.
EventSeries SurrogateGenerator::draw_kernel(Rng& rng) const {
  const auto t = series_->times();
  const auto& good = series_->good_intervals();
  std::vector<double> times(t.size());
  for (std::size_t i = 0; i < t.size(); ++i) {
    double v = t[rng.below(t.size())];
    for (int attempt = 0; attempt < 1000; ++attempt) {
      const double candidate = v + options_.bandwidth * rng.normal();
      if (in_good_time(good, candidate)) {
        v = candidate;
        break;
      }
    }
    times[i] = v;
  }
  std::sort(times.begin(), times.end());
  return make(std::move(times));
}

EventSeries SurrogateGenerator::draw_shuffle(Rng& rng) const {
  const auto t = series_->times();
  std::vector<double> times(t.begin(), t.end());
  std::vector<double> gaps;
  for (const auto& [first, last] : events_per_interval(*series_)) {
    if (last - first < 3) continue;
    gaps.clear();
    for (std::size_t i = first; i + 1 < last; ++i) gaps.push_back(t[i + 1] - t[i]);
    shuffle_in_place(gaps, rng);
    double cursor = t[first];
    for (std::size_t i = first + 1; i < last; ++i) {
      cursor += gaps[i - first - 1];
      times[i] = std::min(cursor, t[last - 1]);  // rounding must not leave the interval
    }
  }
  return make(std::move(times));
}

EventSeries SurrogateGenerator::draw_dither(Rng& rng) const {
  const auto t = series_->times();
  const auto& good = series_->good_intervals();
  std::vector<double> times(t.size());
  for (std::size_t i = 0; i < t.size(); ++i) {
    const Interval& g = good[interval_of(good, t[i])];
    double v = t[i] + options_.delta * (2.0 * rng.uniform() - 1.0);
    if (v < g.start) v = 2.0 * g.start - v;
    if (v > g.stop) v = 2.0 * g.stop - v;
    times[i] = std::clamp(v, g.start, g.stop);
  }
  std::sort(times.begin(), times.end());
  return make(std::move(times));
}

// Rotate the events along good time (the good intervals laid end to end) by a uniform shift.
EventSeries SurrogateGenerator::draw_shift(Rng& rng) const {
  return make(rotated_times(*series_, rng.uniform() * series_->exposure()));
}

EventSeries SurrogateGenerator::draw_blocks(Rng& rng) const {
  const auto t = series_->times();
  std::vector<double> times(t.begin(), t.end());
  if (gaps_.empty()) return make(std::move(times));
  const std::size_t n_gaps = gaps_.size();
  const std::size_t block = std::min(options_.block_length, n_gaps);
  std::vector<double> drawn;
  for (const auto& [first, last] : events_per_interval(*series_)) {
    if (last - first < 3) continue;
    const std::size_t m = last - first - 1;
    drawn.clear();
    while (drawn.size() < m) {
      const std::size_t start = rng.below(n_gaps);
      for (std::size_t k = 0; k < block && drawn.size() < m; ++k) {
        drawn.push_back(gaps_[(start + k) % n_gaps]);
      }
    }
    double sum = 0.0;
    for (double g : drawn) sum += g;
    const double span = t[last - 1] - t[first];
    if (!(sum > 0.0)) continue;
    const double scale = span / sum;
    double cursor = t[first];
    for (std::size_t i = first + 1; i < last; ++i) {
      cursor += drawn[i - first - 1] * scale;
      times[i] = std::min(cursor, t[last - 1]);
    }
    times[last - 1] = t[last - 1];
  }
  return make(std::move(times));
}

std::vector<double> rotated_times(const EventSeries& series, double shift) {
  const auto t = series.times();
  const auto& good = series.good_intervals();
  std::vector<double> offsets(good.size(), 0.0);
  double exposure = 0.0;
  for (std::size_t j = 0; j < good.size(); ++j) {
    offsets[j] = exposure;
    exposure += good[j].length();
  }
  std::vector<double> times(t.size());
  if (!(exposure > 0.0)) {
    std::copy(t.begin(), t.end(), times.begin());
    return times;
  }
  shift = std::fmod(shift, exposure);
  if (shift < 0.0) shift += exposure;
  for (std::size_t i = 0; i < t.size(); ++i) {
    const std::size_t j = interval_of(good, t[i]);
    double u = offsets[j] + (t[i] - good[j].start) + shift;
    if (u >= exposure) u -= exposure;
    auto it = std::upper_bound(offsets.begin(), offsets.end(), u);
    const std::size_t k = static_cast<std::size_t>(it - offsets.begin()) - 1;
    times[i] = std::clamp(good[k].start + (u - offsets[k]), good[k].start, good[k].stop);
  }
  std::sort(times.begin(), times.end());
  return times;
}

EventSeries poisson_surrogate(const EventSeries& series, Rng& rng) {
  return SurrogateGenerator(series, Null::poisson)(rng);
}

EventSeries routine_surrogate(const EventSeries& series, Rng& rng, double utc_offset_seconds,
                              double smoothing_hours, bool weekly) {
  NullOptions o;
  o.utc_offset_seconds = utc_offset_seconds;
  o.smoothing_hours = smoothing_hours;
  o.weekly = weekly;
  return SurrogateGenerator(series, Null::routine, o)(rng);
}

EventSeries smoothed_rate_surrogate(const EventSeries& series, Rng& rng, double bandwidth) {
  NullOptions o;
  o.bandwidth = bandwidth;
  return SurrogateGenerator(series, Null::smoothed_rate, o)(rng);
}

EventSeries shuffle_surrogate(const EventSeries& series, Rng& rng) {
  return SurrogateGenerator(series, Null::shuffle)(rng);
}

EventSeries dither_surrogate(const EventSeries& series, Rng& rng, double delta) {
  NullOptions o;
  o.delta = delta;
  return SurrogateGenerator(series, Null::dither, o)(rng);
}

EventSeries circular_shift_surrogate(const EventSeries& series, Rng& rng) {
  return SurrogateGenerator(series, Null::circular_shift)(rng);
}

EventSeries block_bootstrap_surrogate(const EventSeries& series, Rng& rng,
                                      std::size_t block_length) {
  NullOptions o;
  o.block_length = block_length;
  return SurrogateGenerator(series, Null::block_bootstrap, o)(rng);
}

}  // namespace tealeaves::nullmodel
