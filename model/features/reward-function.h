/*
 * SPDX-License-Identifier: GPL-2.0-only
 */

#ifndef MARL_LB_REWARD_FUNCTION_H
#define MARL_LB_REWARD_FUNCTION_H

#include "ns3/object.h"

#include <vector>

namespace ns3
{

/**
 * \ingroup marl-lb
 * \brief Fairness reward over the servers' loads, smoothed over consecutive steps.
 *
 * The loads are each server's discounted mean flow duration. Each step first blends the new
 * loads with the previous step's, s(0) = l(0) and s(t) = (1 - gamma) l(t-1) + gamma l(t) (the
 * study's equation 18, gamma = 0.9), and then scores s with the chosen index:
 * - ProductFairness (the study's reward): prod_j (s_j / max s);
 * - Jain: (sum s)^2 / (n sum s^2), Jain's fairness index;
 * - NegativeVariance: -var(s), the population variance;
 * - ExpNegativeVariance: exp(-10000 var(s));
 * - NegativeMax: -max(s).
 * All loads equal (zero included) score as perfectly fair: 1 for the two indices, 0 for the
 * variance and 1 for its exponential.
 */
class RewardFunction : public Object
{
  public:
    /// The fairness indices on offer.
    enum Kind
    {
        PRODUCT_FAIRNESS,
        JAIN,
        NEGATIVE_VARIANCE,
        EXP_NEGATIVE_VARIANCE,
        NEGATIVE_MAX,
    };

    /**
     * \brief Get the type ID.
     * \return the object TypeId
     */
    static TypeId GetTypeId();

    RewardFunction();

    /**
     * \brief Scores loads with one index, without smoothing.
     * \param kind the index
     * \param loads one non-negative load per server
     * \return the score
     */
    static double Evaluate(Kind kind, const std::vector<double>& loads);

    /**
     * \brief Blends new loads with the previous step's and scores the result.
     * \param loads one load per server; the count must not change between steps
     * \return the reward of this step
     */
    double Step(const std::vector<double>& loads);

    /// Forgets the previous loads, as at the start of an episode.
    void Reset();

    /// \return the blended loads that the last step scored
    const std::vector<double>& GetSmoothedLoads() const;

  private:
    Kind m_kind;                    //!< the index
    double m_gamma;                 //!< weight of the newest loads in the blend
    std::vector<double> m_previous; //!< the previous step's loads, empty before the first step
    std::vector<double> m_smoothed; //!< the blended loads of the last step
};

} // namespace ns3

#endif // MARL_LB_REWARD_FUNCTION_H
