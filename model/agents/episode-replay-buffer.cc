/*
 * SPDX-License-Identifier: GPL-2.0-only
 */

#include "episode-replay-buffer.h"

#include "ns3/abort.h"
#include "ns3/assert.h"

#include <sstream>

namespace ns3
{

uint32_t
AgentEpisode::GetSteps() const
{
    return static_cast<uint32_t>(rewards.size());
}

std::string
AgentEpisode::Validate() const
{
    const std::size_t steps = rewards.size();
    std::ostringstream error;
    if (observations.size() != (steps + 1) * agents * observationSize)
    {
        error << "the episode has " << observations.size() << " observation values, expected "
              << (steps + 1) * agents * observationSize << " for " << steps << " steps, " << agents
              << " agents and " << observationSize << " values per observation";
    }
    else if (states.size() != (stateSize > 0 ? (steps + 1) * stateSize : 0))
    {
        error << "the episode has " << states.size() << " state values, expected "
              << (steps + 1) * stateSize << " for " << steps << " steps of " << stateSize;
    }
    else if (actions.size() != steps * agents * heads)
    {
        error << "the episode has " << actions.size() << " actions, expected "
              << steps * agents * heads << " for " << steps << " steps, " << agents
              << " agents and " << heads << " heads";
    }
    return error.str();
}

EpisodeReplayBuffer::EpisodeReplayBuffer(uint32_t capacitySteps, uint32_t minEpisodes)
    : m_capacity(capacitySteps),
      m_minEpisodes(minEpisodes)
{
    NS_ABORT_MSG_IF(capacitySteps == 0, "the replay buffer's capacity must be at least 1 step");
}

void
EpisodeReplayBuffer::Add(AgentEpisode episode)
{
    std::string error = episode.Validate();
    NS_ABORT_MSG_IF(!error.empty(), "invalid episode for the replay buffer: " << error);
    NS_ABORT_MSG_IF(episode.GetSteps() == 0, "an episode for the replay buffer needs 1 step");
    m_steps += episode.GetSteps();
    m_episodes.push_back(std::move(episode));
    while (m_steps > m_capacity && m_episodes.size() > 1)
    {
        m_steps -= m_episodes.front().GetSteps();
        m_episodes.pop_front();
        m_reachedCapacity = true;
    }
}

bool
EpisodeReplayBuffer::IsReady() const
{
    return m_episodes.size() > m_minEpisodes || (m_reachedCapacity && !m_episodes.empty());
}

uint32_t
EpisodeReplayBuffer::GetEpisodeCount() const
{
    return static_cast<uint32_t>(m_episodes.size());
}

uint32_t
EpisodeReplayBuffer::GetStepCount() const
{
    return m_steps;
}

uint32_t
EpisodeReplayBuffer::GetCapacity() const
{
    return m_capacity;
}

const AgentEpisode&
EpisodeReplayBuffer::Get(uint32_t index) const
{
    NS_ASSERT_MSG(index < m_episodes.size(), "no episode at position " << index);
    return m_episodes[index];
}

void
EpisodeReplayBuffer::Clear()
{
    m_episodes.clear();
    m_steps = 0;
    m_reachedCapacity = false;
}

} // namespace ns3
