/*
 * SPDX-License-Identifier: GPL-2.0-only
 */

#include "lb-agent.h"

#include "load-balancer.h"
#include "reward-function.h"

#include "ns3/abort.h"
#include "ns3/boolean.h"
#include "ns3/double.h"
#include "ns3/log.h"
#include "ns3/pointer.h"
#include "ns3/simulator.h"
#include "ns3/string.h"
#include "ns3/uinteger.h"

#include <sstream>

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("LbAgent");

NS_OBJECT_ENSURE_REGISTERED(LbAgent);

TypeId
LbAgent::GetTypeId()
{
    static TypeId tid =
        TypeId("ns3::LbAgent")
            .SetParent<Application>()
            .SetGroupName("MarlLb")
            .AddAttribute("LoadBalancer",
                          "The load balancer whose SED weights the agent sets.",
                          PointerValue(),
                          MakePointerAccessor(&LbAgent::m_loadBalancer),
                          MakePointerChecker<LoadBalancer>())
            .AddAttribute("Reward",
                          "The reward over the servers' discounted mean flow durations.",
                          PointerValue(),
                          MakePointerAccessor(&LbAgent::m_reward),
                          MakePointerChecker<RewardFunction>())
            .AddAttribute("StepInterval",
                          "Time between two actions.",
                          TimeValue(MilliSeconds(250)),
                          MakeTimeAccessor(&LbAgent::m_stepInterval),
                          MakeTimeChecker(MicroSeconds(1)))
            .AddAttribute("EpisodeDuration",
                          "Time per episode; at each episode's end the agent hands its "
                          "trajectory to the learner. Zero makes the whole run one episode.",
                          TimeValue(Seconds(60)),
                          MakeTimeAccessor(&LbAgent::m_episodeDuration),
                          MakeTimeChecker(Seconds(0)))
            .AddAttribute("ActionLevels",
                          "Comma-separated weights that an action can give a server, in "
                          "increasing order (the authors' code uses 1.0,1.5,2.0).",
                          StringValue("1.0,1.2,1.4,1.6,1.8,2.0"),
                          MakeStringAccessor(&LbAgent::m_actionLevelsText),
                          MakeStringChecker())
            .AddAttribute("InitialLevel",
                          "Action level that stands for the previous action at the first step "
                          "of an episode.",
                          UintegerValue(0),
                          MakeUintegerAccessor(&LbAgent::m_initialLevel),
                          MakeUintegerChecker<uint32_t>())
            .AddAttribute("OngoingFlowScale",
                          "Divides each server's on-going flow count in the observation.",
                          DoubleValue(32.0),
                          MakeDoubleAccessor(&LbAgent::m_ongoingFlowScale),
                          MakeDoubleChecker<double>(1e-9))
            .AddAttribute("DurationScale",
                          "Divides the flow-duration statistics (seconds) in the observation, "
                          "in seconds.",
                          DoubleValue(1.0),
                          MakeDoubleAccessor(&LbAgent::m_durationScale),
                          MakeDoubleChecker<double>(1e-9))
            .AddAttribute("EnableTraining",
                          "True: explore, record episodes and learn. False: act greedily "
                          "with the current (or loaded) networks and learn nothing.",
                          BooleanValue(true),
                          MakeBooleanAccessor(&LbAgent::m_enableTraining),
                          MakeBooleanChecker())
            .AddAttribute("Checkpoint",
                          "Checkpoint file to load at the start; empty for fresh networks.",
                          StringValue(""),
                          MakeStringAccessor(&LbAgent::m_checkpoint),
                          MakeStringChecker())
            .AddAttribute("SaveCheckpoint",
                          "Checkpoint file to write after each episode's training; empty "
                          "for none.",
                          StringValue(""),
                          MakeStringAccessor(&LbAgent::m_saveCheckpoint),
                          MakeStringChecker())
            .AddTraceSource("Action",
                            "The weights that a step wrote, one per server.",
                            MakeTraceSourceAccessor(&LbAgent::m_actionTrace),
                            "ns3::LbAgent::ActionTracedCallback")
            .AddTraceSource("Reward",
                            "The reward of the previous step's action.",
                            MakeTraceSourceAccessor(&LbAgent::m_rewardTrace),
                            "ns3::LbAgent::RewardTracedCallback")
            .AddTraceSource("ActionInterval",
                            "The time between this action and the previous one.",
                            MakeTraceSourceAccessor(&LbAgent::m_intervalTrace),
                            "ns3::LbAgent::ActionIntervalTracedCallback");
    return tid;
}

LbAgent::LbAgent()
    : m_reward(CreateObject<RewardFunction>()),
      m_stepInterval(MilliSeconds(250)),
      m_episodeDuration(Seconds(60)),
      m_initialLevel(0),
      m_ongoingFlowScale(32.0),
      m_durationScale(1.0),
      m_enableTraining(true)
{
    NS_LOG_FUNCTION(this);
}

LbAgent::~LbAgent() = default;

void
LbAgent::DoDispose()
{
    NS_LOG_FUNCTION(this);
    m_stepEvent.Cancel();
    m_loadBalancer = nullptr;
    m_reward = nullptr;
    m_master = nullptr;
    Application::DoDispose();
}

void
LbAgent::SetTeam(uint32_t index, uint32_t count, Ptr<LbAgent> master, Ipv4Address masterAddress)
{
    NS_LOG_FUNCTION(this << index << count << master << masterAddress);
    NS_ABORT_MSG_IF(index >= count, "agent index " << index << " outside a team of " << count);
    m_index = index;
    m_teamSize = count;
    m_master = master == this ? nullptr : master;
    m_masterAddress = masterAddress;
}

Ptr<LoadBalancer>
LbAgent::GetLoadBalancer() const
{
    return m_loadBalancer;
}

uint32_t
LbAgent::GetIndex() const
{
    return m_index;
}

uint32_t
LbAgent::GetTeamSize() const
{
    return m_teamSize;
}

Ptr<LbAgent>
LbAgent::GetMaster() const
{
    return m_master ? m_master : Ptr<LbAgent>(const_cast<LbAgent*>(this));
}

Ipv4Address
LbAgent::GetMasterAddress() const
{
    return m_masterAddress;
}

const std::vector<double>&
LbAgent::GetActionLevels() const
{
    return m_actionLevels;
}

uint32_t
LbAgent::GetObservationSize() const
{
    return (ServerFeatures::COUNT + 1) * m_loadBalancer->GetServerCount();
}

uint64_t
LbAgent::GetStepCount() const
{
    return m_steps;
}

uint32_t
LbAgent::GetEpisodeCount() const
{
    return m_episodes;
}

bool
LbAgent::IsTraining() const
{
    return m_enableTraining;
}

void
LbAgent::ParseActionLevels()
{
    m_actionLevels.clear();
    std::istringstream items(m_actionLevelsText);
    std::string item;
    while (std::getline(items, item, ','))
    {
        std::istringstream number(item);
        double weight = 0;
        if (!(number >> weight) || !(weight > 0)
            || (!m_actionLevels.empty() && weight <= m_actionLevels.back()))
        {
            NS_FATAL_ERROR("invalid ActionLevels '" << m_actionLevelsText << "' at '" << item
                                                    << "'; give increasing positive weights "
                                                       "separated by commas, such as 1.0,1.5,2.0");
        }
        m_actionLevels.push_back(weight);
    }
    if (m_actionLevels.size() < 2)
    {
        NS_FATAL_ERROR("ActionLevels '" << m_actionLevelsText
                                        << "' has fewer than 2 weights; give at least two");
    }
    if (m_initialLevel >= m_actionLevels.size())
    {
        NS_FATAL_ERROR("InitialLevel " << m_initialLevel << " is not one of the "
                                       << m_actionLevels.size() << " action levels");
    }
}

void
LbAgent::StartApplication()
{
    NS_LOG_FUNCTION(this);
    if (!m_loadBalancer || m_loadBalancer->GetServerCount() == 0)
    {
        NS_FATAL_ERROR("LbAgent on node " << GetNode()->GetId()
                                          << " needs a LoadBalancer with servers; set its "
                                             "LoadBalancer attribute");
    }
    ParseActionLevels();
    Setup();

    const uint32_t servers = m_loadBalancer->GetServerCount();
    m_previousLevels.assign(servers, m_initialLevel);
    m_episode = AgentEpisode();
    m_episode.heads = servers;
    m_episode.observationSize = GetObservationSize();
    m_episodeStart = Simulator::Now();
    m_hasPreviousStep = false;
    m_reward->Reset();
    ResetEpisode();
    m_running = true;
    m_ownTimer = true;
    m_stepEvent = Simulator::ScheduleNow(&LbAgent::Step, this);
}

void
LbAgent::StopApplication()
{
    NS_LOG_FUNCTION(this);
    m_running = false;
    m_stepEvent.Cancel();
}

void
LbAgent::StepTaken(uint64_t /* step */)
{
}

void
LbAgent::StopStepTimer()
{
    NS_LOG_FUNCTION(this);
    m_ownTimer = false;
    m_stepEvent.Cancel();
}

void
LbAgent::StepNow()
{
    NS_LOG_FUNCTION(this);
    if (!m_running)
    {
        return;
    }
    m_stepEvent.Cancel();
    Step();
}

std::vector<float>
LbAgent::Observe(Time now, std::vector<double>& loads) const
{
    std::vector<ServerFeatures> features = m_loadBalancer->GetDataPlane()->GetFeatures(now);
    const double levelScale = 1.0 / (m_actionLevels.size() - 1);
    std::vector<float> observation;
    observation.reserve(GetObservationSize());
    loads.clear();
    for (std::size_t s = 0; s < features.size(); ++s)
    {
        const auto& server = features[s];
        observation.push_back(static_cast<float>(server.ongoingFlows / m_ongoingFlowScale));
        observation.push_back(static_cast<float>(server.mean / m_durationScale));
        observation.push_back(static_cast<float>(server.stdDev / m_durationScale));
        observation.push_back(static_cast<float>(server.p90 / m_durationScale));
        observation.push_back(static_cast<float>(server.discountedMean / m_durationScale));
        observation.push_back(static_cast<float>(server.discountedP90 / m_durationScale));
        observation.push_back(static_cast<float>(m_previousLevels[s] * levelScale));
        loads.push_back(server.discountedMean);
    }
    return observation;
}

void
LbAgent::Step()
{
    NS_LOG_FUNCTION(this);
    Time now = Simulator::Now();
    std::vector<double> loads;
    std::vector<float> observation = Observe(now, loads);

    // Score the previous action with the loads that it led to.
    double reward = m_reward->Step(loads);
    if (m_hasPreviousStep)
    {
        m_episode.rewards.push_back(static_cast<float>(reward));
        m_rewardTrace(reward);
    }

    // Close the episode when its time is up; its last observation is this one.
    if (m_hasPreviousStep && m_episodeDuration.IsStrictlyPositive()
        && now - m_episodeStart >= m_episodeDuration)
    {
        CloseEpisode(observation);
        m_reward->Step(loads);
        observation = Observe(now, loads);
    }

    // Act: one level per server, written as SED weights for the data plane's next tick.
    std::vector<uint32_t> levels = SelectLevels(observation);
    NS_ASSERT_MSG(levels.size() == m_previousLevels.size(),
                  "the agent chose " << levels.size() << " levels for " << m_previousLevels.size()
                                     << " servers");
    std::vector<double> weights(levels.size());
    for (uint32_t s = 0; s < levels.size(); ++s)
    {
        NS_ASSERT(levels[s] < m_actionLevels.size());
        weights[s] = m_actionLevels[levels[s]];
        m_loadBalancer->GetDataPlane()->SetWeight(s, weights[s]);
    }
    m_actionTrace(weights);
    if (m_steps > 0)
    {
        m_intervalTrace(now - m_lastAction);
    }
    m_lastAction = now;

    // Record the step for training.
    if (m_enableTraining)
    {
        m_episode.observations.insert(m_episode.observations.end(),
                                      observation.begin(),
                                      observation.end());
        m_episode.actions.insert(m_episode.actions.end(), levels.begin(), levels.end());
    }
    m_previousLevels = levels;
    m_hasPreviousStep = true;
    m_steps++;
    NS_LOG_DEBUG("agent " << m_index << " step " << m_steps << " at " << now.As(Time::S)
                          << ": reward " << reward);
    StepTaken(m_steps);
    if (m_ownTimer)
    {
        m_stepEvent = Simulator::Schedule(m_stepInterval, &LbAgent::Step, this);
    }
}

void
LbAgent::CloseEpisode(const std::vector<float>& finalObservation)
{
    NS_LOG_FUNCTION(this);
    m_episodes++;
    if (m_enableTraining && !m_episode.rewards.empty())
    {
        m_episode.observations.insert(m_episode.observations.end(),
                                      finalObservation.begin(),
                                      finalObservation.end());
        NS_LOG_INFO("agent " << m_index << " closes episode " << m_episodes << " with "
                             << m_episode.GetSteps() << " steps");
        EndEpisode(std::move(m_episode));
    }

    // Start the next episode from a fresh recurrent state, reward and previous action.
    m_episode = AgentEpisode();
    m_episode.heads = static_cast<uint32_t>(m_previousLevels.size());
    m_episode.observationSize = GetObservationSize();
    m_episodeStart = Simulator::Now();
    m_previousLevels.assign(m_previousLevels.size(), m_initialLevel);
    m_reward->Reset();
    ResetEpisode();
}

} // namespace ns3
