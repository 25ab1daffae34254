/*
 * SPDX-License-Identifier: GPL-2.0-only
 */

#ifndef MARL_LB_QMIX_LEARNER_H
#define MARL_LB_QMIX_LEARNER_H

#include "episode-replay-buffer.h"

#include "ns3/object.h"

#include <memory>
#include <string>
#include <vector>

namespace ns3
{

/**
 * \ingroup marl-lb
 * \brief QMIX (Rashid et al., ICML 2018) for a team of agents with one action head per server.
 *
 * One recurrent agent network (RecurrentAgentNet) with shared parameters serves every agent;
 * its input is the agent's observation followed by a one-hot agent id. Every head of every
 * agent is one utility of the mixing network, whose weights come from hypernetworks of the
 * global state and pass through abs(), so Q_tot is monotonic in each utility and each agent
 * can act greedily on its own Q values.
 *
 * Training takes batches of whole episodes from an EpisodeReplayBuffer. The targets are
 * TD(lambda) returns of the target networks' Q_tot with double-Q action choice; a TdLambda
 * of 0 gives one-step targets. Optimiser: Adam. The target networks copy the online ones
 * every TargetUpdateInterval updates.
 *
 * The networks are built on first use from the attributes, which cannot change after that.
 * libtorch's parameter initialisation is seeded from ns-3's seed, run number and the stream
 * set by AssignStreams(); exploration draws use a generator seeded the same way.
 *
 * The class includes no libtorch header: it keeps the networks behind a pointer to an
 * implementation, so code that uses it compiles without libtorch.
 */
class QmixLearner : public Object
{
  public:
    /// Exploration rule while training.
    enum Exploration
    {
        EXPLORATION_EPSILON_GREEDY, //!< uniform level with probability epsilon, else greedy
        EXPLORATION_SOFTMAX,        //!< level drawn from softmax(Q / SoftmaxTemperature)
    };

    /**
     * \brief Get the type ID.
     * \return the object TypeId
     */
    static TypeId GetTypeId();

    QmixLearner();
    ~QmixLearner() override;

    /**
     * \brief Chooses one level per head for one agent, and advances its recurrent state.
     * \param agent the agent's id, below Agents
     * \param observation ObservationSize values
     * \param explore true to explore (training), false for greedy actions (evaluation)
     * \return one level per head
     */
    std::vector<uint32_t> SelectActions(uint32_t agent,
                                        const std::vector<float>& observation,
                                        bool explore);

    /// Resets every agent's recurrent state, as at the start of an episode.
    void ResetHiddenStates();

    /**
     * \brief Stores an episode of the whole team in the replay buffer.
     * \param episode the episode; its sizes must match the attributes
     */
    void AddEpisode(AgentEpisode episode);

    /// \return true once the replay buffer contains enough episodes for updates
    bool IsReady() const;

    /**
     * \brief Runs one training update on a batch of episodes from the replay buffer.
     * \return the mean squared TD error of the batch, before the update; -1 if the buffer is
     *         empty
     */
    double Update();

    /**
     * \brief Mixes utilities with the online mixing network, without gradients.
     * \param utilities Agents x Servers values, agent-major
     * \param state StateSize values
     * \return Q_tot
     */
    double EvaluateMixer(const std::vector<float>& utilities, const std::vector<float>& state);

    /**
     * \brief Computes one agent's Q values from a zero recurrent state, without changing any
     * agent's state.
     * \param agent the agent's id
     * \param observation ObservationSize values
     * \return Servers x Levels values, head-major
     */
    std::vector<float> GetQValues(uint32_t agent, const std::vector<float>& observation);

    /**
     * \brief Saves the networks, the target networks and the optimiser in one file.
     * \param file the file name
     * \return an empty string on success, otherwise what failed
     */
    std::string Save(const std::string& file);

    /**
     * \brief Loads a file written by Save() by a learner of the same sizes.
     *
     * Nothing changes unless the whole file is valid: the learner kind, the numbers of agents
     * and servers, the action levels, the observation, state and hidden sizes and every
     * parameter's shape must match this learner's.
     * \param file the file name
     * \return an empty string on success, otherwise a message naming the file and the mismatch
     */
    std::string Load(const std::string& file);

    /// \return the exploration probability that SelectActions() uses now
    double GetEpsilon() const;
    /// \return the number of updates run
    uint64_t GetUpdateCount() const;
    /// \return the replay buffer
    const EpisodeReplayBuffer& GetReplayBuffer() const;
    /// \return the number of agents
    uint32_t GetAgentCount() const;
    /// \return the number of heads per agent
    uint32_t GetServerCount() const;
    /// \return the number of action levels per head
    uint32_t GetLevelCount() const;
    /// \return the number of parameters of the agent and mixing networks
    uint64_t GetParameterCount();

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
    std::unique_ptr<Impl> m_impl; //!< networks and optimiser, built on first use

    uint32_t m_agents;                //!< agents in the team
    uint32_t m_servers;               //!< heads per agent
    uint32_t m_levels;                //!< levels per head
    uint32_t m_observationSize;       //!< values per agent observation
    uint32_t m_stateSize;             //!< values of the global state
    uint32_t m_hiddenSize;            //!< width of the agent network
    uint32_t m_mixingSize;            //!< width of the mixing layer
    uint32_t m_hypernetSize;          //!< hidden width of the hypernetworks
    double m_learningRate;            //!< Adam's learning rate
    double m_gamma;                   //!< discount factor
    double m_tdLambda;                //!< lambda of the TD(lambda) targets
    uint32_t m_targetUpdateInterval;  //!< updates between target copies
    double m_gradientClip;            //!< maximum gradient norm
    uint32_t m_batchSize;             //!< episodes per update
    uint32_t m_replayCapacity;        //!< steps the replay buffer holds
    uint32_t m_minEpisodes;           //!< episodes needed before updates
    Exploration m_exploration;        //!< exploration rule
    double m_epsilonStart;            //!< epsilon at the first step
    double m_epsilonFinish;           //!< epsilon after the annealing
    uint32_t m_epsilonAnnealSteps;    //!< team steps of linear annealing
    double m_softmaxTemperature;      //!< temperature of softmax exploration
    int64_t m_stream{0};              //!< seed stream
    uint64_t m_exploredSelections{0}; //!< exploring SelectActions() calls
    uint64_t m_updates{0};            //!< updates run
};

} // namespace ns3

#endif // MARL_LB_QMIX_LEARNER_H
