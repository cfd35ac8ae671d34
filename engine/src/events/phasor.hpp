// Phases in cycles, computed so that large f t products keep their fractional part.
#pragma once

#include <cmath>
#include <numbers>

namespace tealeaves::events::detail {

struct Phasor {
  double re = 0.0;
  double im = 0.0;
};

inline Phasor operator*(Phasor a, Phasor b) {
  return {a.re * b.re - a.im * b.im, a.re * b.im + a.im * b.re};
}

// frac(f t) with the rounding error of the product folded back in (f t may be ~1e7 cycles).
inline double cycles(double f, double t) {
  const double p = f * t;
  const double err = std::fma(f, t, -p);
  return (p - std::floor(p)) + err;
}

inline Phasor cis_cycles(double c) {
  const double a = 2.0 * std::numbers::pi * c;
  return {std::cos(a), std::sin(a)};
}

}  // namespace tealeaves::events::detail
