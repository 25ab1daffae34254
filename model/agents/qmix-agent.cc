/*
 * SPDX-License-Identifier: GPL-2.0-only
 */

#include "qmix-agent.h"

#include "load-balancer.h"

#include "ns3/abort.h"
#include "ns3/boolean.h"
#include "ns3/double.h"
#include "ns3/inet-socket-address.h"
#include "ns3/log.h"
#include "ns3/node.h"
#include "ns3/packet.h"
#include "ns3/simulator.h"
#include "ns3/tcp-socket-factory.h"
#include "ns3/uinteger.h"

#include <cstring>
#include <numeric>
#include <sstream>

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("QmixAgent");

NS_OBJECT_ENSURE_REGISTERED(QmixAgent);

namespace
{
constexpr uint32_t TRAJECTORY_MAGIC = 0x514d5854; //!< "QMXT", marks a trajectory message
constexpr std::size_t HEADER_WORDS = 7; //!< length, magic, agent, episode, steps, obs, heads

/**
 * \brief Appends the bytes of a value to a buffer.
 * \param buffer the buffer
 * \param value the value
 */
template<typename T>
void
AppendValue(std::vector<uint8_t>& buffer, T value)
{
    const auto* bytes = reinterpret_cast<const uint8_t*>(&value);
    buffer.insert(buffer.end(), bytes, bytes + sizeof(T));
}

/**
 * \brief Reads a value at an offset and advances the offset.
 * \param buffer the buffer
 * \param offset position of the value; advanced past it
 * \return the value
 */
template<typename T>
T
ReadValue(const std::vector<uint8_t>& buffer, std::size_t& offset)
{
    T value;
    std::memcpy(&value, buffer.data() + offset, sizeof(T));
    offset += sizeof(T);
    return value;
}
} // namespace

TypeId
QmixAgent::GetTypeId()
{
    static TypeId tid =
        TypeId("ns3::QmixAgent")
            .SetParent<LbAgent>()
            .SetGroupName("MarlLb")
            .AddConstructor<QmixAgent>()
            .AddAttribute("SyncPort",
                          "TCP port on which the master receives the other agents' "
                          "trajectories.",
                          UintegerValue(7100),
                          MakeUintegerAccessor(&QmixAgent::m_syncPort),
                          MakeUintegerChecker<uint16_t>(1))
            .AddAttribute("UpdatesPerEpisode",
                          "Training updates after each gathered episode, once the replay "
                          "buffer is ready.",
                          UintegerValue(25),
                          MakeUintegerAccessor(&QmixAgent::m_updatesPerEpisode),
                          MakeUintegerChecker<uint32_t>())
            .AddAttribute("HiddenSize",
                          "Width of the agent network (the learner's HiddenSize).",
                          UintegerValue(128),
                          MakeUintegerAccessor(&QmixAgent::m_hiddenSize),
                          MakeUintegerChecker<uint32_t>(1))
            .AddAttribute("LearningRate",
                          "Adam's learning rate (the study: 1e-3 moderate, 3e-4 large scale).",
                          DoubleValue(1e-3),
                          MakeDoubleAccessor(&QmixAgent::m_learningRate),
                          MakeDoubleChecker<double>(0))
            .AddAttribute("TdLambda",
                          "Lambda of the TD(lambda) targets; 0 gives one-step targets.",
                          DoubleValue(0.0),
                          MakeDoubleAccessor(&QmixAgent::m_tdLambda),
                          MakeDoubleChecker<double>(0, 1))
            .AddAttribute("BatchSize",
                          "Episodes per update.",
                          UintegerValue(12),
                          MakeUintegerAccessor(&QmixAgent::m_batchSize),
                          MakeUintegerChecker<uint32_t>(1))
            .AddAttribute("ReplayCapacity",
                          "Steps that the replay buffer holds.",
                          UintegerValue(3000),
                          MakeUintegerAccessor(&QmixAgent::m_replayCapacity),
                          MakeUintegerChecker<uint32_t>(1))
            .AddAttribute("MinEpisodes",
                          "Updates start once the replay buffer holds more episodes than "
                          "this (or is full).",
                          UintegerValue(25),
                          MakeUintegerAccessor(&QmixAgent::m_minEpisodes),
                          MakeUintegerChecker<uint32_t>())
            .AddAttribute("EpsilonAnnealSteps",
                          "Team steps over which the exploration probability falls from 1 to "
                          "0.05.",
                          UintegerValue(10000),
                          MakeUintegerAccessor(&QmixAgent::m_epsilonAnnealSteps),
                          MakeUintegerChecker<uint32_t>(1))
            .AddAttribute("EnableStepSync",
                          "True: at each of its steps the master sends a step message over TCP "
                          "to every other agent, which steps when the message arrives instead "
                          "of on its own timer. False: every agent steps on its own timer.",
                          BooleanValue(true),
                          MakeBooleanAccessor(&QmixAgent::m_enableStepSync),
                          MakeBooleanChecker())
            .AddTraceSource("EpisodeGathered",
                            "The master holds every agent's trajectory of an episode.",
                            MakeTraceSourceAccessor(&QmixAgent::m_gatheredTrace),
                            "ns3::QmixAgent::EpisodeGatheredTracedCallback");
    return tid;
}

QmixAgent::QmixAgent()
    : m_syncPort(7100),
      m_updatesPerEpisode(25),
      m_hiddenSize(128),
      m_learningRate(1e-3),
      m_tdLambda(0),
      m_batchSize(12),
      m_replayCapacity(3000),
      m_minEpisodes(25),
      m_epsilonAnnealSteps(10000),
      m_enableStepSync(true)
{
    NS_LOG_FUNCTION(this);
}

QmixAgent::~QmixAgent() = default;

void
QmixAgent::DoDispose()
{
    NS_LOG_FUNCTION(this);
    m_learner = nullptr;
    m_listenSocket = nullptr;
    m_peers.clear();
    m_received.clear();
    m_peerQueues.clear();
    m_socket = nullptr;
    m_trajectories.clear();
    LbAgent::DoDispose();
}

Ptr<QmixLearner>
QmixAgent::GetLearner()
{
    if (!m_learner)
    {
        if (GetMaster() == this)
        {
            CreateLearner();
        }
        else
        {
            auto master = DynamicCast<QmixAgent>(GetMaster());
            NS_ABORT_MSG_IF(!master, "the master of a QmixAgent team must be a QmixAgent");
            m_learner = master->GetLearner();
        }
    }
    return m_learner;
}

void
QmixAgent::CreateLearner()
{
    NS_LOG_FUNCTION(this);
    const uint32_t observationSize = GetObservationSize();
    m_learner = CreateObject<QmixLearner>();
    m_learner->SetAttribute("Agents", UintegerValue(GetTeamSize()));
    m_learner->SetAttribute("Servers", UintegerValue(GetLoadBalancer()->GetServerCount()));
    m_learner->SetAttribute("Levels", UintegerValue(GetActionLevels().size()));
    m_learner->SetAttribute("ObservationSize", UintegerValue(observationSize));
    m_learner->SetAttribute("StateSize", UintegerValue(observationSize * GetTeamSize()));
    m_learner->SetAttribute("HiddenSize", UintegerValue(m_hiddenSize));
    m_learner->SetAttribute("LearningRate", DoubleValue(m_learningRate));
    m_learner->SetAttribute("TdLambda", DoubleValue(m_tdLambda));
    m_learner->SetAttribute("BatchSize", UintegerValue(m_batchSize));
    m_learner->SetAttribute("ReplayCapacity", UintegerValue(m_replayCapacity));
    m_learner->SetAttribute("MinEpisodes", UintegerValue(m_minEpisodes));
    m_learner->SetAttribute("EpsilonAnnealSteps", UintegerValue(m_epsilonAnnealSteps));
    m_learner->AssignStreams(0);
    if (!m_checkpoint.empty())
    {
        std::string error = m_learner->Load(m_checkpoint);
        if (!error.empty())
        {
            NS_FATAL_ERROR("RLB-QMIX cannot start: " << error);
        }
    }
}

void
QmixAgent::Setup()
{
    NS_LOG_FUNCTION(this);
    if (GetMaster() != this)
    {
        // The master builds the learner from its own action levels, parsed at its start.
        NS_ABORT_MSG_IF(GetMaster()->GetActionLevels().empty(),
                        "the master QmixAgent must start before the other agents");
    }
    GetLearner();
}

void
QmixAgent::StartApplication()
{
    NS_LOG_FUNCTION(this);
    LbAgent::StartApplication();
    if (GetTeamSize() == 1)
    {
        return;
    }
    if (GetMaster() == this)
    {
        m_listenSocket = Socket::CreateSocket(GetNode(), TcpSocketFactory::GetTypeId());
        if (m_listenSocket->Bind(InetSocketAddress(Ipv4Address::GetAny(), m_syncPort)) != 0)
        {
            NS_FATAL_ERROR("QmixAgent master cannot bind TCP port " << m_syncPort
                                                                    << "; choose another "
                                                                       "SyncPort");
        }
        if (m_enableStepSync)
        {
            // The step messages are small: send each at once rather than wait for an ACK.
            m_listenSocket->SetAttribute("TcpNoDelay", BooleanValue(true));
        }
        m_listenSocket->Listen();
        m_listenSocket->SetAcceptCallback(MakeNullCallback<bool, Ptr<Socket>, const Address&>(),
                                          MakeCallback(&QmixAgent::HandleAccept, this));
    }
    else
    {
        m_socket = Socket::CreateSocket(GetNode(), TcpSocketFactory::GetTypeId());
        m_socket->Bind();
        if (m_enableStepSync)
        {
            m_stepMessages.clear();
            m_socket->SetConnectCallback(MakeCallback(&QmixAgent::HandleConnected, this),
                                         MakeNullCallback<void, Ptr<Socket>>());
            m_socket->SetRecvCallback(MakeCallback(&QmixAgent::HandleStepMessages, this));
        }
        m_socket->Connect(InetSocketAddress(GetMasterAddress(), m_syncPort));
        m_socket->SetSendCallback(MakeCallback(&QmixAgent::SendQueued, this));
    }
}

void
QmixAgent::StepTaken(uint64_t step)
{
    if (!m_enableStepSync || GetMaster() != this)
    {
        return;
    }
    // Agents whose connection is not up yet are not in m_peers; they step on their own timer.
    std::ostringstream message;
    message << "step " << step << "\n";
    for (auto& peer : m_peers)
    {
        m_peerQueues[peer] += message.str();
        SendPeerQueued(peer, peer->GetTxAvailable());
    }
}

void
QmixAgent::SendPeerQueued(Ptr<Socket> socket, uint32_t /* available */)
{
    auto& queue = m_peerQueues[socket];
    while (!queue.empty() && socket->GetTxAvailable() > 0)
    {
        uint32_t chunk = std::min<std::size_t>(socket->GetTxAvailable(), queue.size());
        int sent = socket->Send(reinterpret_cast<const uint8_t*>(queue.data()), chunk, 0);
        if (sent <= 0)
        {
            break;
        }
        queue.erase(0, sent);
    }
}

void
QmixAgent::HandleConnected(Ptr<Socket> socket)
{
    NS_LOG_FUNCTION(this << socket);
    NS_LOG_INFO("agent " << GetIndex()
                         << " connected to the master; its steps follow the "
                            "master's messages");
    StopStepTimer();
}

void
QmixAgent::HandleStepMessages(Ptr<Socket> socket)
{
    NS_LOG_FUNCTION(this << socket);
    while (Ptr<Packet> packet = socket->Recv())
    {
        std::string bytes(packet->GetSize(), '\0');
        packet->CopyData(reinterpret_cast<uint8_t*>(bytes.data()), bytes.size());
        m_stepMessages += bytes;
    }
    std::size_t end;
    while ((end = m_stepMessages.find('\n')) != std::string::npos)
    {
        std::istringstream line(m_stepMessages.substr(0, end));
        m_stepMessages.erase(0, end + 1);
        std::string word;
        uint64_t step = 0;
        NS_ABORT_MSG_IF(!(line >> word >> step) || word != "step",
                        "QmixAgent " << GetIndex()
                                     << " received a message from the master that is not a "
                                        "step message");
        NS_LOG_DEBUG("agent " << GetIndex() << " steps on the master's step " << step);
        StepNow();
    }
}

void
QmixAgent::StopApplication()
{
    NS_LOG_FUNCTION(this);
    LbAgent::StopApplication();
    if (m_socket)
    {
        m_socket->Close();
    }
    for (auto& peer : m_peers)
    {
        peer->Close();
    }
    if (m_listenSocket)
    {
        m_listenSocket->Close();
    }
}

std::vector<uint32_t>
QmixAgent::SelectLevels(const std::vector<float>& observation)
{
    return m_learner->SelectActions(GetIndex(), observation, IsTraining());
}

void
QmixAgent::ResetEpisode()
{
    NS_LOG_FUNCTION(this);
    // Every agent's recurrent state sits in the shared learner; the master resets them all.
    if (GetMaster() == this)
    {
        m_learner->ResetHiddenStates();
    }
}

void
QmixAgent::EndEpisode(AgentEpisode episode)
{
    NS_LOG_FUNCTION(this << episode.GetSteps());
    const uint32_t number = GetEpisodeCount();
    if (GetMaster() == this)
    {
        m_episodeEnds[number] = Simulator::Now();
        StoreTrajectory(GetIndex(), number, std::move(episode));
        return;
    }

    // Serialise: header words, then observations, actions and rewards.
    std::vector<uint8_t> message;
    const uint32_t steps = episode.GetSteps();
    AppendValue<uint32_t>(message, 0); // length, filled in below
    AppendValue<uint32_t>(message, TRAJECTORY_MAGIC);
    AppendValue<uint32_t>(message, GetIndex());
    AppendValue<uint32_t>(message, number);
    AppendValue<uint32_t>(message, steps);
    AppendValue<uint32_t>(message, episode.observationSize);
    AppendValue<uint32_t>(message, episode.heads);
    for (float value : episode.observations)
    {
        AppendValue<float>(message, value);
    }
    for (int64_t level : episode.actions)
    {
        AppendValue<uint32_t>(message, static_cast<uint32_t>(level));
    }
    for (float reward : episode.rewards)
    {
        AppendValue<float>(message, reward);
    }
    auto length = static_cast<uint32_t>(message.size());
    std::memcpy(message.data(), &length, sizeof(length));
    NS_LOG_INFO("agent " << GetIndex() << " sends episode " << number << " (" << length
                         << " bytes) to the master");

    m_sendQueue.insert(m_sendQueue.end(), message.begin(), message.end());
    SendQueued(m_socket, m_socket->GetTxAvailable());
}

void
QmixAgent::SendQueued(Ptr<Socket> socket, uint32_t /* available */)
{
    while (m_sendOffset < m_sendQueue.size() && socket->GetTxAvailable() > 0)
    {
        uint32_t chunk =
            std::min<std::size_t>(socket->GetTxAvailable(), m_sendQueue.size() - m_sendOffset);
        int sent = socket->Send(m_sendQueue.data() + m_sendOffset, chunk, 0);
        if (sent <= 0)
        {
            break;
        }
        m_sendOffset += sent;
    }
    if (m_sendOffset == m_sendQueue.size())
    {
        m_sendQueue.clear();
        m_sendOffset = 0;
    }
}

void
QmixAgent::HandleAccept(Ptr<Socket> socket, const Address& from)
{
    NS_LOG_FUNCTION(this << socket << from);
    socket->SetRecvCallback(MakeCallback(&QmixAgent::HandleRead, this));
    m_peers.push_back(socket);
    m_received[socket];
    if (m_enableStepSync)
    {
        socket->SetAttribute("TcpNoDelay", BooleanValue(true));
        socket->SetSendCallback(MakeCallback(&QmixAgent::SendPeerQueued, this));
        m_peerQueues[socket];
    }
}

void
QmixAgent::HandleRead(Ptr<Socket> socket)
{
    NS_LOG_FUNCTION(this << socket);
    auto& buffer = m_received[socket];
    while (Ptr<Packet> packet = socket->Recv())
    {
        std::size_t old = buffer.size();
        buffer.resize(old + packet->GetSize());
        packet->CopyData(buffer.data() + old, packet->GetSize());
    }

    // Parse every complete message at the front of the buffer.
    std::size_t consumed = 0;
    while (buffer.size() - consumed >= HEADER_WORDS * sizeof(uint32_t))
    {
        std::size_t offset = consumed;
        auto length = ReadValue<uint32_t>(buffer, offset);
        if (buffer.size() - consumed < length)
        {
            break;
        }
        auto magic = ReadValue<uint32_t>(buffer, offset);
        NS_ABORT_MSG_IF(magic != TRAJECTORY_MAGIC,
                        "QmixAgent master received a message that "
                        "is not a trajectory");
        AgentEpisode episode;
        auto agent = ReadValue<uint32_t>(buffer, offset);
        auto number = ReadValue<uint32_t>(buffer, offset);
        auto steps = ReadValue<uint32_t>(buffer, offset);
        episode.observationSize = ReadValue<uint32_t>(buffer, offset);
        episode.heads = ReadValue<uint32_t>(buffer, offset);
        episode.observations.resize((steps + 1) * episode.observationSize);
        for (auto& value : episode.observations)
        {
            value = ReadValue<float>(buffer, offset);
        }
        episode.actions.resize(steps * episode.heads);
        for (auto& level : episode.actions)
        {
            level = ReadValue<uint32_t>(buffer, offset);
        }
        episode.rewards.resize(steps);
        for (auto& reward : episode.rewards)
        {
            reward = ReadValue<float>(buffer, offset);
        }
        NS_ABORT_MSG_IF(offset - consumed != length,
                        "trajectory message of agent " << agent << " has a wrong length");
        consumed += length;
        StoreTrajectory(agent, number, std::move(episode));
    }
    buffer.erase(buffer.begin(), buffer.begin() + consumed);
}

void
QmixAgent::StoreTrajectory(uint32_t agent, uint32_t episodeNumber, AgentEpisode episode)
{
    NS_LOG_FUNCTION(this << agent << episodeNumber);
    auto& team = m_trajectories[episodeNumber];
    team[agent] = std::move(episode);
    if (team.size() == GetTeamSize() && m_episodeEnds.count(episodeNumber))
    {
        TrainOnEpisode(episodeNumber);
    }
}

void
QmixAgent::TrainOnEpisode(uint32_t episodeNumber)
{
    NS_LOG_FUNCTION(this << episodeNumber);
    auto& team = m_trajectories[episodeNumber];
    const uint32_t agents = GetTeamSize();
    uint32_t steps = team.begin()->second.GetSteps();
    for (const auto& [agent, trajectory] : team)
    {
        steps = std::min(steps, trajectory.GetSteps());
    }
    const uint32_t observationSize = team.begin()->second.observationSize;
    const uint32_t heads = team.begin()->second.heads;

    // Merge: observations side by side, the state is their concatenation, the team reward is
    // the mean of the agents' rewards. Agents step together, on the master's step messages or on
    // the same clock, so step t is the same time everywhere, give or take the network's delay.
    // A trajectory cut short by a late start is aligned on the first steps.
    AgentEpisode merged;
    merged.agents = agents;
    merged.heads = heads;
    merged.observationSize = observationSize;
    merged.stateSize = observationSize * agents;
    for (uint32_t t = 0; t <= steps; ++t)
    {
        for (uint32_t agent = 0; agent < agents; ++agent)
        {
            const auto& values = team[agent].observations;
            merged.observations.insert(merged.observations.end(),
                                       values.begin() + t * observationSize,
                                       values.begin() + (t + 1) * observationSize);
        }
    }
    merged.states = merged.observations;
    for (uint32_t t = 0; t < steps; ++t)
    {
        double reward = 0;
        for (uint32_t agent = 0; agent < agents; ++agent)
        {
            const auto& actions = team[agent].actions;
            merged.actions.insert(merged.actions.end(),
                                  actions.begin() + t * heads,
                                  actions.begin() + (t + 1) * heads);
            reward += team[agent].rewards[t];
        }
        merged.rewards.push_back(static_cast<float>(reward / agents));
    }
    Time delay = Simulator::Now() - m_episodeEnds[episodeNumber];
    m_trajectories.erase(episodeNumber);
    m_episodeEnds.erase(episodeNumber);
    m_gatheredTrace(episodeNumber, delay);
    NS_LOG_INFO("master gathered episode " << episodeNumber << " of " << agents << " agents, "
                                           << steps << " steps, " << delay.As(Time::MS)
                                           << " after its end");

    m_learner->AddEpisode(std::move(merged));
    if (m_learner->IsReady())
    {
        double loss = 0;
        for (uint32_t i = 0; i < m_updatesPerEpisode; ++i)
        {
            loss = m_learner->Update();
        }
        NS_LOG_INFO("master ran " << m_updatesPerEpisode << " updates, last loss " << loss
                                  << ", epsilon " << m_learner->GetEpsilon());
    }
    if (!m_saveCheckpoint.empty())
    {
        std::string error = m_learner->Save(m_saveCheckpoint);
        if (!error.empty())
        {
            NS_FATAL_ERROR("RLB-QMIX cannot save its checkpoint: "
                           << error << "; give a writable path in SaveCheckpoint");
        }
    }
}

} // namespace ns3
