/*
 * SPDX-License-Identifier: GPL-2.0-only
 */

#include "independent-sac-agent.h"

#include "ns3/log.h"

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("IndependentSacAgent");

NS_OBJECT_ENSURE_REGISTERED(IndependentSacAgent);

TypeId
IndependentSacAgent::GetTypeId()
{
    static TypeId tid = TypeId("ns3::IndependentSacAgent")
                            .SetParent<SacAgent>()
                            .SetGroupName("MarlLb")
                            .AddConstructor<IndependentSacAgent>();
    return tid;
}

} // namespace ns3
