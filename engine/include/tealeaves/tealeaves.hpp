// Everything public in one include, for programs that want it all.
#pragma once

#include "tealeaves/core/errors.hpp"
#include "tealeaves/core/series.hpp"
#include "tealeaves/ingest/log.hpp"
#include "tealeaves/spectral/acf.hpp"
#include "tealeaves/spectral/binning.hpp"
#include "tealeaves/spectral/fft.hpp"
#include "tealeaves/spectral/periodogram.hpp"
#include "tealeaves/spectral/window.hpp"
