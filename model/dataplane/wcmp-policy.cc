/*
 * SPDX-License-Identifier: GPL-2.0-only
 */

#include "wcmp-policy.h"

#include "ns3/log.h"

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("WcmpPolicy");

NS_OBJECT_ENSURE_REGISTERED(WcmpPolicy);

TypeId
WcmpPolicy::GetTypeId()
{
    static TypeId tid = TypeId("ns3::WcmpPolicy")
                            .SetParent<LbPolicy>()
                            .SetGroupName("MarlLb")
                            .AddConstructor<WcmpPolicy>();
    return tid;
}

WcmpPolicy::WcmpPolicy()
    : m_random(CreateObject<UniformRandomVariable>())
{
    NS_LOG_FUNCTION(this);
}

void
WcmpPolicy::NotifyWeightsChanged(const std::vector<ServerState>& servers)
{
    NS_LOG_FUNCTION(this);
    std::vector<double> weights;
    weights.reserve(servers.size());
    for (const auto& server : servers)
    {
        weights.push_back(server.weight);
    }
    bool built = m_table.Build(weights);
    NS_ASSERT_MSG(built, "WCMP got weights that do not form a distribution");
}

uint32_t
WcmpPolicy::SelectServer(const FlowKey& /* key */,
                         uint32_t /* hashProposed */,
                         const std::vector<ServerState>& servers)
{
    if (m_table.GetSize() != servers.size())
    {
        NotifyWeightsChanged(servers);
    }
    uint32_t column = m_random->GetInteger(0, m_table.GetSize() - 1);
    return m_table.Sample(column, m_random->GetValue());
}

int64_t
WcmpPolicy::AssignStreams(int64_t stream)
{
    m_random->SetStream(stream);
    return 1;
}

std::string
WcmpPolicy::GetName() const
{
    return "WCMP";
}

} // namespace ns3
