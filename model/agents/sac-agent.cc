/*
 * SPDX-License-Identifier: GPL-2.0-only
 */

#include "sac-agent.h"

#include "load-balancer.h"

#include "ns3/double.h"
#include "ns3/enum.h"
#include "ns3/log.h"
#include "ns3/uinteger.h"

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("SacAgent");

NS_OBJECT_ENSURE_REGISTERED(SacAgent);

TypeId
SacAgent::GetTypeId()
{
    static TypeId tid =
        TypeId("ns3::SacAgent")
            .SetParent<LbAgent>()
            .SetGroupName("MarlLb")
            .AddAttribute("UpdatesPerEpisode",
                          "Training updates after each episode, once the replay buffer is "
                          "ready.",
                          UintegerValue(25),
                          MakeUintegerAccessor(&SacAgent::m_updatesPerEpisode),
                          MakeUintegerChecker<uint32_t>())
            .AddAttribute("HiddenSize",
                          "Width of the networks (128 in the study, 512 for S-SAC at large "
                          "scale).",
                          UintegerValue(128),
                          MakeUintegerAccessor(&SacAgent::m_hiddenSize),
                          MakeUintegerChecker<uint32_t>(1))
            .AddAttribute("LearningRate",
                          "Adam's learning rate (the study: 1e-3 moderate, 3e-4 large scale).",
                          DoubleValue(1e-3),
                          MakeDoubleAccessor(&SacAgent::m_learningRate),
                          MakeDoubleChecker<double>(0))
            .AddAttribute("BatchSize",
                          "Episodes per update.",
                          UintegerValue(12),
                          MakeUintegerAccessor(&SacAgent::m_batchSize),
                          MakeUintegerChecker<uint32_t>(1))
            .AddAttribute("ReplayCapacity",
                          "Steps that the replay buffer holds.",
                          UintegerValue(3000),
                          MakeUintegerAccessor(&SacAgent::m_replayCapacity),
                          MakeUintegerChecker<uint32_t>(1))
            .AddAttribute("MinEpisodes",
                          "Updates start once the replay buffer holds more episodes than "
                          "this (or is full).",
                          UintegerValue(25),
                          MakeUintegerAccessor(&SacAgent::m_minEpisodes),
                          MakeUintegerChecker<uint32_t>())
            .AddAttribute("TargetEntropy",
                          "Rule for the target entropy per head: 0.98 log(levels), or "
                          "-levels as the study lists.",
                          EnumValue(DiscreteSacLearner::TARGET_ENTROPY_SCALED_LOG),
                          MakeEnumAccessor(&SacAgent::m_targetEntropy),
                          MakeEnumChecker(DiscreteSacLearner::TARGET_ENTROPY_SCALED_LOG,
                                          "ScaledLog",
                                          DiscreteSacLearner::TARGET_ENTROPY_NEGATIVE_LEVELS,
                                          "NegativeLevels"));
    return tid;
}

SacAgent::SacAgent()
    : m_updatesPerEpisode(25),
      m_hiddenSize(128),
      m_learningRate(1e-3),
      m_batchSize(12),
      m_replayCapacity(3000),
      m_minEpisodes(25),
      m_targetEntropy(DiscreteSacLearner::TARGET_ENTROPY_SCALED_LOG)
{
    NS_LOG_FUNCTION(this);
}

SacAgent::~SacAgent() = default;

void
SacAgent::DoDispose()
{
    NS_LOG_FUNCTION(this);
    if (m_learner)
    {
        m_learner->Dispose();
    }
    m_learner = nullptr;
    LbAgent::DoDispose();
}

Ptr<DiscreteSacLearner>
SacAgent::GetLearner() const
{
    return m_learner;
}

std::string
SacAgent::GetAgentFile(const std::string& file) const
{
    return GetTeamSize() > 1 ? file + ".lb" + std::to_string(GetIndex()) : file;
}

void
SacAgent::Setup()
{
    NS_LOG_FUNCTION(this);
    m_learner = CreateObject<DiscreteSacLearner>();
    m_learner->SetAttribute("Servers", UintegerValue(GetLoadBalancer()->GetServerCount()));
    m_learner->SetAttribute("Levels", UintegerValue(GetActionLevels().size()));
    m_learner->SetAttribute("ObservationSize", UintegerValue(GetObservationSize()));
    m_learner->SetAttribute("HiddenSize", UintegerValue(m_hiddenSize));
    m_learner->SetAttribute("LearningRate", DoubleValue(m_learningRate));
    m_learner->SetAttribute("BatchSize", UintegerValue(m_batchSize));
    m_learner->SetAttribute("ReplayCapacity", UintegerValue(m_replayCapacity));
    m_learner->SetAttribute("MinEpisodes", UintegerValue(m_minEpisodes));
    m_learner->SetAttribute("TargetEntropy", EnumValue(m_targetEntropy));
    m_learner->AssignStreams(1 + GetIndex());
    if (!m_checkpoint.empty())
    {
        std::string error = m_learner->Load(GetAgentFile(m_checkpoint));
        if (!error.empty())
        {
            NS_FATAL_ERROR(GetInstanceTypeId().GetName() << " cannot start: " << error);
        }
    }
}

std::vector<uint32_t>
SacAgent::SelectLevels(const std::vector<float>& observation)
{
    return m_learner->SelectActions(observation, IsTraining());
}

void
SacAgent::ResetEpisode()
{
    m_learner->ResetHiddenState();
}

void
SacAgent::EndEpisode(AgentEpisode episode)
{
    NS_LOG_FUNCTION(this << episode.GetSteps());
    m_learner->AddEpisode(std::move(episode));
    if (m_learner->IsReady())
    {
        double loss = 0;
        for (uint32_t i = 0; i < m_updatesPerEpisode; ++i)
        {
            loss = m_learner->Update();
        }
        NS_LOG_INFO("agent " << GetIndex() << " ran " << m_updatesPerEpisode
                             << " updates, last critic loss " << loss << ", alpha of head 0 "
                             << m_learner->GetTemperatures()[0]);
    }
    if (!m_saveCheckpoint.empty())
    {
        std::string error = m_learner->Save(GetAgentFile(m_saveCheckpoint));
        if (!error.empty())
        {
            NS_FATAL_ERROR(GetInstanceTypeId().GetName()
                           << " cannot save its checkpoint: " << error
                           << "; give a writable path in SaveCheckpoint");
        }
    }
}

} // namespace ns3
