/*
 * SPDX-License-Identifier: GPL-2.0-only
 */

#ifndef MARL_LB_EPISODE_REPLAY_BUFFER_H
#define MARL_LB_EPISODE_REPLAY_BUFFER_H

#include <cstdint>
#include <deque>
#include <string>
#include <vector>

namespace ns3
{

/**
 * \ingroup marl-lb
 * \brief One episode of a team of agents, stored flat for the replay buffer.
 *
 * An episode of T steps contains T + 1 observations (the last one only bootstraps the value of
 * the final step), T joint actions and T rewards. Every agent chooses one level per head (one
 * head per server). The reward is the team's (QMIX) or the agent's own (SAC).
 */
struct AgentEpisode
{
    uint32_t agents{1};          //!< agents in the team
    uint32_t heads{1};           //!< action heads per agent (servers)
    uint32_t observationSize{0}; //!< values per agent observation
    uint32_t stateSize{0};       //!< values of the global state, 0 if none
    /// (T + 1) x agents x observationSize values, step-major.
    std::vector<float> observations;
    /// (T + 1) x stateSize values, empty when stateSize is 0.
    std::vector<float> states;
    /// T x agents x heads action levels, step-major.
    std::vector<int64_t> actions;
    /// T rewards.
    std::vector<float> rewards;
    /// True if the last step ends the task, so that its target has no bootstrap term.
    bool terminated{false};

    /// \return the number of steps T
    uint32_t GetSteps() const;

    /**
     * \brief Checks that the vectors have the sizes that the counts imply.
     * \return an empty string if they do, otherwise what is wrong
     */
    std::string Validate() const;
};

/**
 * \ingroup marl-lb
 * \brief Replay buffer of whole episodes, bounded by the number of steps it holds.
 *
 * Recurrent learners train on whole sequences, so the buffer keeps episodes and drops the
 * oldest ones once the steps held exceed the capacity (the newest episode is always kept).
 * Training starts once the buffer contains more than a minimum number of episodes. When the
 * capacity is reached before that minimum (3000 steps hold only 12 episodes of 240 steps),
 * the buffer also counts as ready, because it cannot grow any further.
 */
class EpisodeReplayBuffer
{
  public:
    /**
     * \brief Creates an empty buffer.
     * \param capacitySteps maximum steps held over all episodes; must be > 0
     * \param minEpisodes the buffer is ready once it contains more episodes than this
     */
    EpisodeReplayBuffer(uint32_t capacitySteps, uint32_t minEpisodes);

    /**
     * \brief Stores an episode and drops the oldest ones beyond the capacity.
     * \param episode the episode; must pass AgentEpisode::Validate() and have at least 1 step
     */
    void Add(AgentEpisode episode);

    /// \return true once updates may start (see the class description)
    bool IsReady() const;

    /// \return the number of episodes held
    uint32_t GetEpisodeCount() const;
    /// \return the number of steps held over all episodes
    uint32_t GetStepCount() const;
    /// \return the capacity in steps
    uint32_t GetCapacity() const;

    /**
     * \param index position from the oldest episode held, below GetEpisodeCount()
     * \return the episode
     */
    const AgentEpisode& Get(uint32_t index) const;

    /// Drops every episode.
    void Clear();

  private:
    uint32_t m_capacity;                 //!< maximum steps held
    uint32_t m_minEpisodes;              //!< episodes needed before updates
    uint32_t m_steps{0};                 //!< steps held
    bool m_reachedCapacity{false};       //!< true once an episode had to be dropped
    std::deque<AgentEpisode> m_episodes; //!< oldest first
};

} // namespace ns3

#endif // MARL_LB_EPISODE_REPLAY_BUFFER_H
