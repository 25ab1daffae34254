/*
 * SPDX-License-Identifier: GPL-2.0-only
 */

#ifndef MARL_LB_DISCRETE_SAC_LEARNER_H
#define MARL_LB_DISCRETE_SAC_LEARNER_H

#include "episode-replay-buffer.h"

#include "ns3/object.h"

#include <memory>
#include <string>
#include <vector>

namespace ns3
{

/**
 * \ingroup marl-lb
 * \brief Soft actor-critic for discrete actions (Christodoulou, arXiv:1910.07207, 2019), with
 * one categorical head per server.
 *
 * The actor and two critics are RecurrentAgentNet networks on the agent's observation. Each
 * critic returns one Q value per head and level; the heads share the agent's reward. For each
 * head h, with the policy pi_h and the temperature alpha_h:
 * - soft value: V(s') = sum_a pi_h(a|s') (min_i Qtarget_i(s', a) - alpha_h log pi_h(a|s')),
 *   the exact expectation over the levels rather than a sample;
 * - critic loss: (Q_i(s, a_h) - r - gamma V(s'))^2 for both critics;
 * - actor loss: sum_a pi_h(a|s) (alpha_h log pi_h(a|s) - min_i Q_i(s, a));
 * - temperature loss: log alpha_h (H(pi_h(.|s)) - target), so alpha_h falls while the
 *   entropy is above the target and rises below it.
 * The target entropy is TargetEntropyScale x log(Levels) per head (Christodoulou uses 0.98),
 * or -Levels (the continuous-action heuristic that the CIKM 2022 study lists) with
 * TargetEntropy=NegativeLevels. The target critics follow the critics by soft updates.
 *
 * Networks are built on first use; seeds as for QmixLearner. No libtorch header is included:
 * the networks sit behind a pointer to an implementation.
 */
class DiscreteSacLearner : public Object
{
  public:
    /// Rule for the target entropy of each head.
    enum TargetEntropyRule
    {
        TARGET_ENTROPY_SCALED_LOG,      //!< TargetEntropyScale x log(Levels)
        TARGET_ENTROPY_NEGATIVE_LEVELS, //!< -Levels
    };

    /**
     * \brief Get the type ID.
     * \return the object TypeId
     */
    static TypeId GetTypeId();

    DiscreteSacLearner();
    ~DiscreteSacLearner() override;

    /**
     * \brief Chooses one level per head and advances the actor's recurrent state.
     * \param observation ObservationSize values
     * \param explore true to sample from the policy (training), false for its most likely
     *        level per head (evaluation)
     * \return one level per head
     */
    std::vector<uint32_t> SelectActions(const std::vector<float>& observation, bool explore);

    /// Resets the actor's recurrent state, as at the start of an episode.
    void ResetHiddenState();

    /**
     * \brief Stores an episode of this agent in the replay buffer.
     * \param episode the episode, with one agent and sizes that match the attributes
     */
    void AddEpisode(AgentEpisode episode);

    /// \return true once the replay buffer contains enough episodes for updates
    bool IsReady() const;

    /**
     * \brief Runs one training update of the critics, the actor and the temperatures.
     * \return the critics' mean squared error before the update; -1 if the buffer is empty
     */
    double Update();

    /**
     * \brief Computes the policy from a zero recurrent state, without changing the actor's.
     * \param observation ObservationSize values
     * \return Servers x Levels probabilities, head-major
     */
    std::vector<float> GetPolicy(const std::vector<float>& observation);

    /// \return the temperature alpha of each head
    std::vector<double> GetTemperatures();
    /// \return the target entropy of every head, in nats
    double GetTargetEntropy() const;

    /**
     * \brief Saves the actor, the critics, their targets, the temperatures and the optimisers
     * in one file.
     * \param file the file name
     * \return an empty string on success, otherwise what failed
     */
    std::string Save(const std::string& file);

    /**
     * \brief Loads a file written by Save() by a learner of the same sizes.
     *
     * Nothing changes unless the learner kind, the servers, the levels, the observation and
     * hidden sizes and every parameter's shape match.
     * \param file the file name
     * \return an empty string on success, otherwise a message naming the file and the mismatch
     */
    std::string Load(const std::string& file);

    /// \return the number of updates run
    uint64_t GetUpdateCount() const;
    /// \return the replay buffer
    const EpisodeReplayBuffer& GetReplayBuffer() const;
    /// \return the number of heads
    uint32_t GetServerCount() const;
    /// \return the number of action levels per head
    uint32_t GetLevelCount() const;

    /**
     * \brief Sets the stream from which the learner derives its seeds.
     *
     * Takes effect only before the networks are built (before the first use).
     * \param stream the stream index
     * \return the number of streams used (1)
     */
    int64_t AssignStreams(int64_t stream);

  protected:
    void DoDispose() override;

  private:
    /// Builds the networks and the replay buffer if not yet done.
    void Build();

    struct Impl;
    std::unique_ptr<Impl> m_impl; //!< networks and optimisers, built on first use

    uint32_t m_servers;             //!< heads
    uint32_t m_levels;              //!< levels per head
    uint32_t m_observationSize;     //!< values per observation
    uint32_t m_hiddenSize;          //!< width of the networks
    double m_learningRate;          //!< Adam's learning rate, all three optimisers
    double m_gamma;                 //!< discount factor
    double m_tau;                   //!< weight of the critics in a soft target update
    double m_initialTemperature;    //!< alpha before training
    TargetEntropyRule m_targetRule; //!< rule for the target entropy
    double m_targetEntropyScale;    //!< factor of log(Levels)
    double m_gradientClip;          //!< maximum gradient norm
    uint32_t m_batchSize;           //!< episodes per update
    uint32_t m_replayCapacity;      //!< steps the replay buffer holds
    uint32_t m_minEpisodes;         //!< episodes needed before updates
    int64_t m_stream{0};            //!< seed stream
    uint64_t m_updates{0};          //!< updates run
};

} // namespace ns3

#endif // MARL_LB_DISCRETE_SAC_LEARNER_H
