/*
 * SPDX-License-Identifier: GPL-2.0-only
 */

#include "lb-data-plane.h"

#include "ecmp-policy.h"

#include "ns3/double.h"
#include "ns3/log.h"
#include "ns3/object-factory.h"
#include "ns3/type-id.h"
#include "ns3/uinteger.h"

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("LbDataPlane");

NS_OBJECT_ENSURE_REGISTERED(LbDataPlane);

TypeId
LbDataPlane::GetTypeId()
{
    static TypeId tid =
        TypeId("ns3::LbDataPlane")
            .SetParent<Object>()
            .SetGroupName("MarlLb")
            .AddConstructor<LbDataPlane>()
            .AddAttribute(
                "Policy",
                "TypeId of the dispatch policy, a subclass of ns3::LbPolicy such as "
                "ns3::EcmpPolicy or ns3::SedPolicy.",
                TypeIdValue(EcmpPolicy::GetTypeId()),
                MakeTypeIdAccessor(&LbDataPlane::SetPolicyType, &LbDataPlane::GetPolicyType),
                MakeTypeIdChecker())
            .AddAttribute("IdleTimeout",
                          "Time without packets after which a flow's entry ends and the flow "
                          "stops counting as on-going (VPP's load balancer uses 40 s).",
                          TimeValue(Seconds(40)),
                          MakeTimeAccessor(&LbDataPlane::m_idleTimeout),
                          MakeTimeChecker(MilliSeconds(1)))
            .AddAttribute("ClosingTimeout",
                          "Time that an entry stays after the client's FIN, so that the flow's "
                          "last ACKs still reach its server.",
                          TimeValue(Seconds(2)),
                          MakeTimeAccessor(&LbDataPlane::m_closingTimeout),
                          MakeTimeChecker(Seconds(0)))
            .AddAttribute("MaglevTableSize",
                          "Number of slots of the consistent-hash table; must be a prime "
                          "larger than the number of servers.",
                          UintegerValue(MaglevTable::DEFAULT_SIZE),
                          MakeUintegerAccessor(&LbDataPlane::m_maglevSize),
                          MakeUintegerChecker<uint32_t>(2))
            .AddAttribute("HashSeed",
                          "Seed of the flow hash that indexes the consistent-hash table. Load "
                          "balancers of one service need the same seed so that a flow that "
                          "moves between them keeps its server.",
                          UintegerValue(0),
                          MakeUintegerAccessor(&LbDataPlane::m_hashSeed),
                          MakeUintegerChecker<uint64_t>())
            .AddAttribute("WeightUpdateInterval",
                          "Period at which weights written by SetWeight take effect (the "
                          "authors' data plane uses 200 ms); zero applies them at once.",
                          TimeValue(MilliSeconds(200)),
                          MakeTimeAccessor(&LbDataPlane::m_weightUpdateInterval),
                          MakeTimeChecker(Seconds(0)))
            .AddAttribute("ReservoirSize",
                          "Slots K of each server's reservoir of flow-duration samples.",
                          UintegerValue(128),
                          MakeUintegerAccessor(&LbDataPlane::m_reservoirSize),
                          MakeUintegerChecker<uint32_t>(1))
            .AddAttribute("ReservoirKeepProbability",
                          "Probability p that a flow-duration sample enters the reservoir.",
                          DoubleValue(1.0),
                          MakeDoubleAccessor(&LbDataPlane::m_keepProbability),
                          MakeDoubleChecker<double>(1e-9, 1.0))
            .AddAttribute("DiscountBase",
                          "Base of the age discount of the discounted features: a sample of "
                          "age a seconds counts as value * base^a.",
                          DoubleValue(0.9),
                          MakeDoubleAccessor(&LbDataPlane::m_discountBase),
                          MakeDoubleChecker<double>(1e-9, 1.0))
            .AddTraceSource("ServerSelected",
                            "A flow unknown to the flow table got a server.",
                            MakeTraceSourceAccessor(&LbDataPlane::m_serverSelectedTrace),
                            "ns3::LbDataPlane::ServerSelectedTracedCallback")
            .AddTraceSource("FlowEnded",
                            "A flow's entry ended by RST, FIN or idle timeout.",
                            MakeTraceSourceAccessor(&LbDataPlane::m_flowEndedTrace),
                            "ns3::LbDataPlane::FlowEndedTracedCallback")
            .AddTraceSource("WeightApplied",
                            "A server's new weight took effect.",
                            MakeTraceSourceAccessor(&LbDataPlane::m_weightAppliedTrace),
                            "ns3::LbDataPlane::WeightAppliedTracedCallback");
    return tid;
}

LbDataPlane::LbDataPlane()
    : m_idleTimeout(Seconds(40)),
      m_closingTimeout(Seconds(2)),
      m_maglevSize(MaglevTable::DEFAULT_SIZE),
      m_hashSeed(0),
      m_weightUpdateInterval(MilliSeconds(200)),
      m_reservoirSize(128),
      m_keepProbability(1.0),
      m_discountBase(0.9),
      m_sampleRandom(CreateObject<UniformRandomVariable>())
{
    NS_LOG_FUNCTION(this);
}

void
LbDataPlane::SetPolicyType(TypeId policyType)
{
    NS_LOG_FUNCTION(this << policyType.GetName());
    if (!policyType.IsChildOf(LbPolicy::GetTypeId()))
    {
        NS_FATAL_ERROR("LbDataPlane Policy " << policyType.GetName()
                                             << " is not a subclass of ns3::LbPolicy; use "
                                                "ns3::EcmpPolicy, ns3::SedPolicy or another "
                                                "LbPolicy");
    }
    ObjectFactory factory(policyType.GetName());
    m_policy = factory.Create<LbPolicy>();
    if (!m_servers.empty())
    {
        m_policy->NotifyWeightsChanged(m_servers);
    }
}

TypeId
LbDataPlane::GetPolicyType() const
{
    return m_policy ? m_policy->GetInstanceTypeId() : EcmpPolicy::GetTypeId();
}

void
LbDataPlane::SetPolicy(Ptr<LbPolicy> policy)
{
    NS_LOG_FUNCTION(this << policy);
    NS_ASSERT_MSG(policy, "LbDataPlane::SetPolicy needs a policy");
    m_policy = policy;
    if (!m_servers.empty())
    {
        m_policy->NotifyWeightsChanged(m_servers);
    }
}

Ptr<LbPolicy>
LbDataPlane::GetPolicy() const
{
    return m_policy;
}

void
LbDataPlane::DoInitialize()
{
    NS_LOG_FUNCTION(this);
    if (m_servers.empty())
    {
        NS_LOG_WARN("LbDataPlane starts with no server; every packet will be dropped");
    }
    Object::DoInitialize();
}

void
LbDataPlane::DoDispose()
{
    NS_LOG_FUNCTION(this);
    m_policy = nullptr;
    m_sampleRandom = nullptr;
    m_reservoirs.clear();
    m_flows.Clear();
    m_servers.clear();
    Object::DoDispose();
}

uint32_t
LbDataPlane::AddServer(uint64_t id, double staticWeight)
{
    NS_LOG_FUNCTION(this << id << staticWeight);
    if (!(staticWeight > 0))
    {
        NS_FATAL_ERROR("Server " << id << " has weight " << staticWeight
                                 << "; a server's static weight must be positive (use its CPU "
                                    "count)");
    }
    for (const auto& server : m_servers)
    {
        if (server.id == id)
        {
            NS_FATAL_ERROR("Server " << id << " is already in the load balancer's pool");
        }
    }
    ServerState server;
    server.id = id;
    server.staticWeight = staticWeight;
    server.weight = staticWeight;
    m_servers.push_back(server);
    m_pendingWeights.push_back(0);
    m_reservoirs.emplace_back(m_reservoirSize, m_keepProbability);
    RebuildMaglevTable();
    m_policy->NotifyWeightsChanged(m_servers);
    return static_cast<uint32_t>(m_servers.size() - 1);
}

void
LbDataPlane::RebuildMaglevTable()
{
    NS_LOG_FUNCTION(this);
    if (m_maglev.GetSize() != m_maglevSize)
    {
        m_maglev = MaglevTable(m_maglevSize);
    }
    std::vector<MaglevTable::Entry> entries;
    entries.reserve(m_servers.size());
    for (const auto& server : m_servers)
    {
        entries.push_back({server.id, 1});
    }
    auto changed = m_maglev.Build(entries);
    NS_LOG_LOGIC("Maglev table rebuilt for " << m_servers.size() << " servers, " << changed.size()
                                             << " slots changed");
}

uint32_t
LbDataPlane::ProcessPacket(const FlowKey& key, uint8_t tcpFlags, Time now)
{
    NS_LOG_FUNCTION(this << key << static_cast<uint32_t>(tcpFlags) << now);
    if (m_servers.empty())
    {
        return NO_SERVER;
    }
    const bool syn = (tcpFlags & TCP_SYN) != 0;
    const bool ack = (tcpFlags & TCP_ACK) != 0;
    const bool rst = (tcpFlags & TCP_RST) != 0;
    const bool fin = (tcpFlags & TCP_FIN) != 0;

    // One hash serves the flow table and the consistent-hash table.
    const uint64_t hash = HashFlowKey(key, m_hashSeed);
    FlowEntry* entry = m_flows.Find(key, hash);
    if (entry)
    {
        Time limit = entry->state == FlowEntry::CLOSING ? m_closingTimeout : m_idleTimeout;
        if (now - entry->lastSeen > limit)
        {
            EndFlow(key, *entry, now, FLOW_END_TIMEOUT);
            m_flows.Erase(key, hash);
            entry = nullptr;
        }
    }

    if (!entry)
    {
        uint32_t hashProposed = m_maglev.Lookup(hash);
        FlowEntry created;
        created.start = now;
        created.lastSeen = now;
        bool bySyn = syn && !ack && !rst;
        if (bySyn)
        {
            created.server = m_policy->SelectServer(key, hashProposed, m_servers);
            NS_ASSERT_MSG(created.server < m_servers.size(),
                          "policy " << m_policy->GetName() << " chose server " << created.server
                                    << " of " << m_servers.size());
            created.state = FlowEntry::SYN_SEEN;
        }
        else
        {
            created.server = hashProposed;
            created.state = FlowEntry::UNTRACKED;
        }
        m_servers[created.server].assignedFlows++;
        m_serverSelectedTrace(key, created.server, bySyn);
        if (rst)
        {
            // A reset of an unknown flow is forwarded but leaves no entry behind.
            return created.server;
        }
        entry = m_flows.Insert(key, hash, created);
    }
    entry->lastSeen = now;
    const uint32_t server = entry->server;

    if (entry->state == FlowEntry::ESTABLISHED && ack && !syn && !rst && !fin)
    {
        // A later ACK of an on-going flow: sample how long the flow has lasted.
        double keepDraw = m_keepProbability < 1.0 ? NextSampleDraw() : 0.0;
        m_reservoirs[server].Offer(now,
                                   (now - entry->start).GetSeconds(),
                                   keepDraw,
                                   NextSampleDraw());
    }
    else if (entry->state == FlowEntry::SYN_SEEN && ack && !syn)
    {
        entry->state = FlowEntry::ESTABLISHED;
        m_servers[server].ongoingFlows++;
    }
    if (rst)
    {
        EndFlow(key, *entry, now, FLOW_END_RST);
        m_flows.Erase(key, hash);
    }
    else if (fin && entry->state != FlowEntry::CLOSING)
    {
        if (entry->state == FlowEntry::ESTABLISHED)
        {
            m_servers[server].ongoingFlows--;
        }
        entry->state = FlowEntry::CLOSING;
        m_flowEndedTrace(key, server, now - entry->start, FLOW_END_FIN);
    }
    return server;
}

double
LbDataPlane::NextSampleDraw()
{
    if (m_sampleState == 0)
    {
        // Seed the fast generator once from the ns-3 stream, so runs stay reproducible.
        m_sampleState = (static_cast<uint64_t>(m_sampleRandom->GetInteger(1, UINT32_MAX)) << 32)
                      | m_sampleRandom->GetInteger(0, UINT32_MAX);
    }
    // xorshift64* (Vigna 2016): 53 high-quality bits into [0, 1).
    m_sampleState ^= m_sampleState >> 12;
    m_sampleState ^= m_sampleState << 25;
    m_sampleState ^= m_sampleState >> 27;
    uint64_t bits = m_sampleState * 0x2545F4914F6CDD1DULL;
    return static_cast<double>(bits >> 11) * 0x1.0p-53;
}

void
LbDataPlane::EndFlow(const FlowKey& key, const FlowEntry& entry, Time now, FlowEndCause cause)
{
    NS_LOG_LOGIC("flow " << key << " ends, cause " << cause);
    if (entry.state == FlowEntry::ESTABLISHED)
    {
        m_servers[entry.server].ongoingFlows--;
    }
    if (cause == FLOW_END_TIMEOUT && entry.state != FlowEntry::CLOSING)
    {
        m_timedOutFlows++;
    }
    if (entry.state != FlowEntry::CLOSING)
    {
        // A closing entry reported its end when the FIN arrived.
        m_flowEndedTrace(key, entry.server, now - entry.start, cause);
    }
}

uint32_t
LbDataPlane::ExpireIdleFlows(Time now)
{
    NS_LOG_FUNCTION(this << now);
    return static_cast<uint32_t>(
        m_flows.RemoveIf([this, now](const FlowKey& key, FlowEntry& entry) {
            Time limit = entry.state == FlowEntry::CLOSING ? m_closingTimeout : m_idleTimeout;
            if (now - entry.lastSeen > limit)
            {
                EndFlow(key, entry, now, FLOW_END_TIMEOUT);
                return true;
            }
            return false;
        }));
}

void
LbDataPlane::SetWeight(uint32_t server, double weight)
{
    NS_LOG_FUNCTION(this << server << weight);
    NS_ASSERT_MSG(server < m_servers.size(), "no server at position " << server);
    if (!(weight > 0))
    {
        NS_FATAL_ERROR("weight " << weight << " for server " << server
                                 << " is invalid; weights must be positive");
    }
    if (m_weightUpdateInterval.IsZero())
    {
        m_servers[server].weight = weight;
        m_policy->NotifyWeightsChanged(m_servers);
        m_weightAppliedTrace(server, weight);
        return;
    }
    m_pendingWeights[server] = weight;
}

uint32_t
LbDataPlane::ApplyPendingWeights()
{
    NS_LOG_FUNCTION(this);
    uint32_t changed = 0;
    for (uint32_t server = 0; server < m_servers.size(); ++server)
    {
        if (m_pendingWeights[server] > 0)
        {
            m_servers[server].weight = m_pendingWeights[server];
            m_pendingWeights[server] = 0;
            m_weightAppliedTrace(server, m_servers[server].weight);
            ++changed;
        }
    }
    if (changed > 0)
    {
        m_policy->NotifyWeightsChanged(m_servers);
    }
    return changed;
}

Time
LbDataPlane::GetWeightUpdateInterval() const
{
    return m_weightUpdateInterval;
}

std::vector<ServerFeatures>
LbDataPlane::GetFeatures(Time now) const
{
    std::vector<ServerFeatures> features;
    features.reserve(m_servers.size());
    for (uint32_t server = 0; server < m_servers.size(); ++server)
    {
        features.push_back(ComputeServerFeatures(m_reservoirs[server].GetSamples(),
                                                 m_servers[server].ongoingFlows,
                                                 now,
                                                 m_discountBase));
    }
    return features;
}

const ReservoirSampler&
LbDataPlane::GetReservoir(uint32_t server) const
{
    NS_ASSERT_MSG(server < m_reservoirs.size(), "no server at position " << server);
    return m_reservoirs[server];
}

const std::vector<ServerState>&
LbDataPlane::GetServers() const
{
    return m_servers;
}

std::size_t
LbDataPlane::GetFlowCount() const
{
    return m_flows.GetSize();
}

const MaglevTable&
LbDataPlane::GetMaglevTable() const
{
    return m_maglev;
}

uint64_t
LbDataPlane::GetTimedOutFlows() const
{
    return m_timedOutFlows;
}

int64_t
LbDataPlane::AssignStreams(int64_t stream)
{
    NS_LOG_FUNCTION(this << stream);
    m_sampleRandom->SetStream(stream);
    m_sampleState = 0;
    return 1 + m_policy->AssignStreams(stream + 1);
}

} // namespace ns3
