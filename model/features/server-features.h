/*
 * SPDX-License-Identifier: GPL-2.0-only
 */

#ifndef MARL_LB_SERVER_FEATURES_H
#define MARL_LB_SERVER_FEATURES_H

#include "reservoir-sampler.h"

#include "ns3/nstime.h"

#include <array>
#include <vector>

namespace ns3
{

/**
 * \ingroup marl-lb
 * \brief The six features per server that a load balancer extracts from its own packets.
 *
 * Over the flow durations in the server's reservoir, as the authors' code computes them
 * (numpy, population standard deviation, percentiles by linear interpolation):
 * mean, standard deviation and 90th percentile of the values, and the mean and 90th
 * percentile of the discounted values v * base^age, where age is in seconds. With no sample
 * every statistic is 0.
 */
struct ServerFeatures
{
    static constexpr std::size_t COUNT = 6; //!< number of features

    double ongoingFlows{0};   //!< flows counted as on-going by this load balancer
    double mean{0};           //!< mean flow duration, seconds
    double stdDev{0};         //!< population standard deviation, seconds
    double p90{0};            //!< 90th percentile, seconds
    double discountedMean{0}; //!< mean of v * base^age, seconds
    double discountedP90{0};  //!< 90th percentile of v * base^age, seconds

    /// \return the features in the order above
    std::array<double, COUNT> ToArray() const;
};

/**
 * \ingroup marl-lb
 * \brief Computes the features of one server.
 * \param samples the server's reservoir samples (time taken, flow duration in seconds)
 * \param ongoingFlows the server's on-going flow count
 * \param now the time the features describe; ages are now - sample time
 * \param discountBase base of the age discount (the study uses 0.9)
 * \return the features
 */
ServerFeatures ComputeServerFeatures(const std::vector<ReservoirSampler::Sample>& samples,
                                     uint32_t ongoingFlows,
                                     Time now,
                                     double discountBase);

/**
 * \ingroup marl-lb
 * \brief Computes a percentile by linear interpolation between ranks, as numpy does by default.
 * \param values the values; reordered in place
 * \param percentile in [0, 100]
 * \return the percentile, or 0 for no values
 */
double InterpolatedPercentile(std::vector<double>& values, double percentile);

} // namespace ns3

#endif // MARL_LB_SERVER_FEATURES_H
