/*
 * SPDX-License-Identifier: GPL-2.0-only
 */

#ifndef MARL_LB_APPLICATION_HELPER_H
#define MARL_LB_APPLICATION_HELPER_H

#include "ns3/application-container.h"
#include "ns3/attribute.h"
#include "ns3/node-container.h"
#include "ns3/object-factory.h"

#include <string>

namespace ns3
{

/**
 * \ingroup marl-lb
 * \brief Installs any of the module's applications (ApacheServer, LoadBalancer,
 * HttpTraceClient) on nodes, in the style of ns-3's application helpers.
 */
class MarlLbApplicationHelper
{
  public:
    /**
     * \brief Creates a helper for one application type.
     * \param typeId a subclass of ns3::Application, such as ApacheServer::GetTypeId()
     */
    explicit MarlLbApplicationHelper(TypeId typeId);

    /**
     * \brief Sets an attribute of every application installed from now on.
     * \param name the attribute's name
     * \param value its value
     */
    void SetAttribute(const std::string& name, const AttributeValue& value);

    /**
     * \brief Installs one application on each node.
     * \param nodes the nodes
     * \return the applications, in node order
     */
    ApplicationContainer Install(NodeContainer nodes) const;
    /**
     * \brief Installs one application on a node.
     * \param node the node
     * \return the application
     */
    ApplicationContainer Install(Ptr<Node> node) const;

    /**
     * \brief Assigns fixed random variable streams to the applications that draw random
     * numbers (load balancers whose policy is random).
     * \param applications applications installed by a helper of this module
     * \param stream first stream index to use
     * \return the number of streams used
     */
    static int64_t AssignStreams(ApplicationContainer applications, int64_t stream);

  private:
    ObjectFactory m_factory; //!< creates the applications
};

} // namespace ns3

#endif // MARL_LB_APPLICATION_HELPER_H
