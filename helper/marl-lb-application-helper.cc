/*
 * SPDX-License-Identifier: GPL-2.0-only
 */

#include "marl-lb-application-helper.h"

#include "load-balancer.h"

#include "ns3/application.h"
#include "ns3/fatal-error.h"
#include "ns3/node.h"

namespace ns3
{

MarlLbApplicationHelper::MarlLbApplicationHelper(TypeId typeId)
{
    if (!typeId.IsChildOf(Application::GetTypeId()))
    {
        NS_FATAL_ERROR("MarlLbApplicationHelper needs an Application type, got "
                       << typeId.GetName());
    }
    m_factory.SetTypeId(typeId);
}

void
MarlLbApplicationHelper::SetAttribute(const std::string& name, const AttributeValue& value)
{
    m_factory.Set(name, value);
}

ApplicationContainer
MarlLbApplicationHelper::Install(NodeContainer nodes) const
{
    ApplicationContainer applications;
    for (auto it = nodes.Begin(); it != nodes.End(); ++it)
    {
        applications.Add(Install(*it));
    }
    return applications;
}

ApplicationContainer
MarlLbApplicationHelper::Install(Ptr<Node> node) const
{
    Ptr<Application> application = m_factory.Create<Application>();
    node->AddApplication(application);
    return ApplicationContainer(application);
}

int64_t
MarlLbApplicationHelper::AssignStreams(ApplicationContainer applications, int64_t stream)
{
    int64_t current = stream;
    for (auto it = applications.Begin(); it != applications.End(); ++it)
    {
        if (auto loadBalancer = DynamicCast<LoadBalancer>(*it))
        {
            current += loadBalancer->AssignStreams(current);
        }
    }
    return current - stream;
}

} // namespace ns3
