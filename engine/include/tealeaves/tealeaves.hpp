// Everything public in one include, for programs that want it all.
#pragma once

#include "tealeaves/core/errors.hpp"
#include "tealeaves/core/parallel.hpp"
#include "tealeaves/core/rng.hpp"
#include "tealeaves/core/series.hpp"
#include "tealeaves/core/stats.hpp"
#include "tealeaves/events/folding.hpp"
#include "tealeaves/events/rayleigh.hpp"
#include "tealeaves/ingest/log.hpp"
#include "tealeaves/interarrival/analysis.hpp"
#include "tealeaves/periodicity/detect.hpp"
#include "tealeaves/spectral/acf.hpp"
#include "tealeaves/spectral/binning.hpp"
#include "tealeaves/spectral/fft.hpp"
#include "tealeaves/spectral/lomb_scargle.hpp"
#include "tealeaves/spectral/periodogram.hpp"
#include "tealeaves/spectral/window.hpp"
