/*
 * SPDX-License-Identifier: GPL-2.0-only
 */

#include "lb-policy.h"

#include "ns3/log.h"

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("LbPolicy");

NS_OBJECT_ENSURE_REGISTERED(LbPolicy);

TypeId
LbPolicy::GetTypeId()
{
    static TypeId tid = TypeId("ns3::LbPolicy").SetParent<Object>().SetGroupName("MarlLb");
    return tid;
}

void
LbPolicy::NotifyWeightsChanged(const std::vector<ServerState>& /* servers */)
{
}

int64_t
LbPolicy::AssignStreams(int64_t /* stream */)
{
    return 0;
}

} // namespace ns3
