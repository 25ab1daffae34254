/*
 * SPDX-License-Identifier: GPL-2.0-only
 */

#include "server-features.h"

#include <algorithm>
#include <boost/accumulators/accumulators.hpp>
#include <boost/accumulators/statistics/mean.hpp>
#include <boost/accumulators/statistics/stats.hpp>
#include <boost/accumulators/statistics/variance.hpp>
#include <cmath>

namespace ns3
{

namespace accumulators = boost::accumulators;

std::array<double, ServerFeatures::COUNT>
ServerFeatures::ToArray() const
{
    return {ongoingFlows, mean, stdDev, p90, discountedMean, discountedP90};
}

double
InterpolatedPercentile(std::vector<double>& values, double percentile)
{
    if (values.empty())
    {
        return 0;
    }
    double rank = percentile / 100.0 * (values.size() - 1);
    auto below = static_cast<std::size_t>(std::floor(rank));
    double fraction = rank - below;
    // Two order statistics in linear time: the value at rank `below`, then the smallest of
    // the values above it.
    std::nth_element(values.begin(), values.begin() + below, values.end());
    double lower = values[below];
    if (fraction == 0 || below + 1 >= values.size())
    {
        return lower;
    }
    double upper = *std::min_element(values.begin() + below + 1, values.end());
    return lower + (upper - lower) * fraction;
}

ServerFeatures
ComputeServerFeatures(const std::vector<ReservoirSampler::Sample>& samples,
                      uint32_t ongoingFlows,
                      Time now,
                      double discountBase)
{
    ServerFeatures features;
    features.ongoingFlows = ongoingFlows;
    if (samples.empty())
    {
        return features;
    }

    // Boost's variance is the population variance (divided by n), as numpy's std.
    accumulators::accumulator_set<
        double,
        accumulators::stats<accumulators::tag::mean, accumulators::tag::variance>>
        plain;
    accumulators::accumulator_set<double, accumulators::stats<accumulators::tag::mean>> discounted;
    std::vector<double> values;
    std::vector<double> discountedValues;
    values.reserve(samples.size());
    discountedValues.reserve(samples.size());
    const double logBase = std::log(discountBase);
    for (const auto& sample : samples)
    {
        double age = (now - sample.time).GetSeconds();
        double weighted = sample.value * std::exp(logBase * age);
        plain(sample.value);
        discounted(weighted);
        values.push_back(sample.value);
        discountedValues.push_back(weighted);
    }
    features.mean = accumulators::mean(plain);
    features.stdDev = std::sqrt(std::max(0.0, accumulators::variance(plain)));
    features.p90 = InterpolatedPercentile(values, 90);
    features.discountedMean = accumulators::mean(discounted);
    features.discountedP90 = InterpolatedPercentile(discountedValues, 90);
    return features;
}

} // namespace ns3
