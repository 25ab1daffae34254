/*
 * SPDX-License-Identifier: GPL-2.0-only
 */

#ifndef MARL_LB_RESERVOIR_SAMPLER_H
#define MARL_LB_RESERVOIR_SAMPLER_H

#include "ns3/nstime.h"

#include <cstdint>
#include <vector>

namespace ns3
{

/**
 * \ingroup marl-lb
 * \brief Reservoir of (time, value) samples as in the study's Algorithm 2.
 *
 * Each offered sample is kept with probability p, in a slot drawn uniformly from the K slots,
 * replacing what the slot held. A kept sample therefore survives each later kept sample with
 * probability 1 - 1/K, and the reservoir holds recent samples more densely than old ones: for
 * a Poisson stream of rate lambda, the expected number of samples aged between T and T + 1
 * seconds is lambda p ((K - p) / K)^(lambda T).
 *
 * The random draws come from the caller, so that the data plane controls the streams.
 */
class ReservoirSampler
{
  public:
    /// One sample.
    struct Sample
    {
        Time time;    //!< when the sample was taken
        double value; //!< the sample, for example a flow duration in seconds
    };

    /**
     * \brief Creates an empty reservoir.
     * \param slots number of slots K (the authors' code uses 128)
     * \param keepProbability probability p that an offered sample is kept, in (0, 1]
     */
    explicit ReservoirSampler(uint32_t slots = 128, double keepProbability = 1.0);

    /**
     * \brief Offers a sample.
     * \param time when it was taken
     * \param value its value
     * \param keepDraw a uniform number in [0, 1); the sample is kept if it is below p
     * \param slotDraw a uniform number in [0, 1) that picks the slot
     * \return true if the sample was kept
     */
    bool Offer(Time time, double value, double keepDraw, double slotDraw);

    /// \return the samples held, in slot order (unfilled slots are left out)
    std::vector<Sample> GetSamples() const;
    /// \return the number of filled slots
    uint32_t GetFilled() const;
    /// \return the number of slots K
    uint32_t GetSlots() const;
    /// \return the keep probability p
    double GetKeepProbability() const;
    /// Empties every slot.
    void Clear();

  private:
    std::vector<Sample> m_slots;  //!< the slots
    std::vector<bool> m_isFilled; //!< which slots hold a sample
    uint32_t m_filled{0};         //!< number of filled slots
    double m_keepProbability;     //!< p
};

} // namespace ns3

#endif // MARL_LB_RESERVOIR_SAMPLER_H
