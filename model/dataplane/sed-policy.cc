/*
 * SPDX-License-Identifier: GPL-2.0-only
 */

#include "sed-policy.h"

#include "ns3/enum.h"
#include "ns3/log.h"

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("SedPolicy");

NS_OBJECT_ENSURE_REGISTERED(SedPolicy);

TypeId
SedPolicy::GetTypeId()
{
    static TypeId tid =
        TypeId("ns3::SedPolicy")
            .SetParent<LbPolicy>()
            .SetGroupName("MarlLb")
            .AddConstructor<SedPolicy>()
            .AddAttribute("TieBreak",
                          "How to choose among servers with equal (q + 1) / w: the server the "
                          "consistent-hash table proposed (VPP), the first in list order "
                          "(IPVS), or a uniform random choice.",
                          EnumValue(SedPolicy::TIE_BREAK_HASH_PROPOSED),
                          MakeEnumAccessor(&SedPolicy::m_tieBreak),
                          MakeEnumChecker(SedPolicy::TIE_BREAK_HASH_PROPOSED,
                                          "HashProposed",
                                          SedPolicy::TIE_BREAK_FIRST,
                                          "First",
                                          SedPolicy::TIE_BREAK_RANDOM,
                                          "Random"));
    return tid;
}

SedPolicy::SedPolicy()
    : m_tieBreak(TIE_BREAK_HASH_PROPOSED),
      m_tieRandom(CreateObject<UniformRandomVariable>())
{
}

uint32_t
SedPolicy::SelectServer(const FlowKey& /* key */,
                        uint32_t hashProposed,
                        const std::vector<ServerState>& servers)
{
    NS_ASSERT_MSG(!servers.empty(), "SED policy called with no servers");
    const auto count = static_cast<uint32_t>(servers.size());

    // Scan in cyclic order from the first candidate, so that the first strict minimum found
    // is the tie-break winner for both deterministic rules.
    uint32_t first = (m_tieBreak == TIE_BREAK_HASH_PROPOSED && hashProposed < count) ? hashProposed : 0;
    uint32_t best = first;
    m_minima.clear();
    for (uint32_t step = 0; step < count; ++step)
    {
        uint32_t candidate = (first + step) % count;
        double weight = GetEffectiveWeight(servers[candidate]);
        if (weight <= 0)
        {
            continue;
        }
        if (m_minima.empty())
        {
            best = candidate;
            m_minima.push_back(candidate);
            continue;
        }
        // Compare (q_c + 1) / w_c with (q_b + 1) / w_b without dividing.
        double lhs = (servers[candidate].ongoingFlows + 1.0) * GetEffectiveWeight(servers[best]);
        double rhs = (servers[best].ongoingFlows + 1.0) * weight;
        if (lhs < rhs)
        {
            best = candidate;
            m_minima.clear();
            m_minima.push_back(candidate);
        }
        else if (lhs == rhs)
        {
            m_minima.push_back(candidate);
        }
    }
    if (m_minima.empty())
    {
        // Every weight is zero: no server can take the flow by this rule.
        return hashProposed;
    }
    if (m_tieBreak == TIE_BREAK_RANDOM && m_minima.size() > 1)
    {
        auto pick = m_tieRandom->GetInteger(0, static_cast<uint32_t>(m_minima.size() - 1));
        best = m_minima[pick];
    }
    NS_LOG_DEBUG("SED picks server " << best << " of " << count << " (" << m_minima.size()
                                     << " tied)");
    return best;
}

int64_t
SedPolicy::AssignStreams(int64_t stream)
{
    m_tieRandom->SetStream(stream);
    return 1;
}

std::string
SedPolicy::GetName() const
{
    return "SED";
}

double
SedPolicy::GetEffectiveWeight(const ServerState& server) const
{
    return server.weight;
}

} // namespace ns3
