/*
 * SPDX-License-Identifier: GPL-2.0-only
 */

#ifndef MARL_LB_SAC_AGENT_H
#define MARL_LB_SAC_AGENT_H

#include "discrete-sac-learner.h"
#include "lb-agent.h"

namespace ns3
{

/**
 * \ingroup marl-lb
 * \brief A load-balancer agent with its own discrete SAC learner, trained on its own
 * observations and rewards after each episode.
 *
 * IndependentSacAgent (RLB-I-SAC, one per load balancer) and SingleSacAgent (RLB-S-SAC, one
 * load balancer that sees every flow) are its concrete forms. With a team of several agents,
 * each one's checkpoint file name gets the suffix ".lb<index>".
 */
class SacAgent : public LbAgent
{
  public:
    /**
     * \brief Get the type ID.
     * \return the object TypeId
     */
    static TypeId GetTypeId();

    SacAgent();
    ~SacAgent() override;

    /// \return the agent's learner, null before the start
    Ptr<DiscreteSacLearner> GetLearner() const;

  protected:
    void DoDispose() override;
    std::vector<uint32_t> SelectLevels(const std::vector<float>& observation) override;
    void EndEpisode(AgentEpisode episode) override;
    void ResetEpisode() override;
    void Setup() override;

  private:
    /**
     * \brief Returns this agent's checkpoint file name.
     * \param file the attribute's value
     * \return the value, with ".lb<index>" in a team of several agents
     */
    std::string GetAgentFile(const std::string& file) const;

    Ptr<DiscreteSacLearner> m_learner;                     //!< the agent's learner
    uint32_t m_updatesPerEpisode;                          //!< updates after each episode
    uint32_t m_hiddenSize;                                 //!< HiddenSize of the learner
    double m_learningRate;                                 //!< LearningRate of the learner
    uint32_t m_batchSize;                                  //!< BatchSize of the learner
    uint32_t m_replayCapacity;                             //!< ReplayCapacity of the learner
    uint32_t m_minEpisodes;                                //!< MinEpisodes of the learner
    DiscreteSacLearner::TargetEntropyRule m_targetEntropy; //!< TargetEntropy of the learner
};

} // namespace ns3

#endif // MARL_LB_SAC_AGENT_H
