/*
 * SPDX-License-Identifier: GPL-2.0-only
 */

#ifndef MARL_LB_QMIX_AGENT_H
#define MARL_LB_QMIX_AGENT_H

#include "lb-agent.h"
#include "qmix-learner.h"

#include "ns3/socket.h"

#include <map>
#include <string>
#include <vector>

namespace ns3
{

/**
 * \ingroup marl-lb
 * \brief RLB-QMIX: the load balancers act on their own observations and train one QMIX
 * learner centrally on the master, the agent of index 0.
 *
 * Every agent acts greedily (or explores, while training) with the team's shared agent
 * network and its own one-hot id. At the end of each episode every other agent sends its
 * trajectory to the master over a TCP connection between the load-balancer nodes, opened at
 * the start and kept open, so the transfer crosses the simulated network with its delays.
 * Once the master has the trajectories of the whole team for an episode, it merges them:
 * the global state is every agent's observation side by side and the team reward is the mean
 * of the agents' rewards, as in the CIKM 2022 study. It stores the merged episode and, once
 * the replay buffer is ready, runs UpdatesPerEpisode updates.
 *
 * NOTE: the other agents act with the master's networks as soon as an update ends; the
 * transfer of the new parameters back to them is not simulated.
 */
class QmixAgent : public LbAgent
{
  public:
    /**
     * \brief TracedCallback signature for a gathered episode.
     * \param [in] episode the episode's number, from 1
     * \param [in] delay time from the master's end of the episode to the arrival of the last
     *             trajectory
     */
    typedef void (*EpisodeGatheredTracedCallback)(uint32_t episode, Time delay);

    /**
     * \brief Get the type ID.
     * \return the object TypeId
     */
    static TypeId GetTypeId();

    QmixAgent();
    ~QmixAgent() override;

    /**
     * \brief Returns the team's learner, creating it on the master if needed.
     * \return the learner
     */
    Ptr<QmixLearner> GetLearner();

  protected:
    void DoDispose() override;
    void StartApplication() override;
    void StopApplication() override;
    void StepTaken(uint64_t step) override;
    std::vector<uint32_t> SelectLevels(const std::vector<float>& observation) override;
    void EndEpisode(AgentEpisode episode) override;
    void ResetEpisode() override;
    void Setup() override;

  private:
    /// Creates the learner from the attributes and loads the checkpoint, on the master.
    void CreateLearner();
    /**
     * \brief Stores one agent's trajectory on the master and trains once the team's is whole.
     * \param agent the agent's index
     * \param episodeNumber the episode's number
     * \param episode the trajectory
     */
    void StoreTrajectory(uint32_t agent, uint32_t episodeNumber, AgentEpisode episode);
    /**
     * \brief Merges a complete episode of the team, stores it and trains.
     * \param episodeNumber the episode's number
     */
    void TrainOnEpisode(uint32_t episodeNumber);
    /**
     * \brief Accepts a connection from another agent.
     * \param socket the new connection
     * \param from the peer's address
     */
    void HandleAccept(Ptr<Socket> socket, const Address& from);
    /**
     * \brief Reads trajectory bytes from a connection.
     * \param socket the connection
     */
    void HandleRead(Ptr<Socket> socket);
    /**
     * \brief Sends queued bytes while the socket has room.
     * \param socket the connection to the master
     * \param available bytes of room, unused
     */
    void SendQueued(Ptr<Socket> socket, uint32_t available);
    /**
     * \brief Other agents: the connection to the master is up; the master's messages now
     * drive the steps.
     * \param socket the connection to the master
     */
    void HandleConnected(Ptr<Socket> socket);
    /**
     * \brief Other agents: reads the master's step messages and takes one step for each.
     * \param socket the connection to the master
     */
    void HandleStepMessages(Ptr<Socket> socket);
    /**
     * \brief Master: sends the queued step messages of a connection while it has room.
     * \param socket the connection to another agent
     * \param available bytes of room, unused
     */
    void SendPeerQueued(Ptr<Socket> socket, uint32_t available);

    Ptr<QmixLearner> m_learner;       //!< the team's learner (the master's)
    uint16_t m_syncPort;              //!< TCP port of the master's trajectory service
    uint32_t m_updatesPerEpisode;     //!< updates after each gathered episode
    uint32_t m_hiddenSize;            //!< HiddenSize of the learner
    double m_learningRate;            //!< LearningRate of the learner
    double m_tdLambda;                //!< TdLambda of the learner
    uint32_t m_batchSize;             //!< BatchSize of the learner
    uint32_t m_replayCapacity;        //!< ReplayCapacity of the learner
    uint32_t m_minEpisodes;           //!< MinEpisodes of the learner
    uint32_t m_epsilonAnnealSteps;    //!< EpsilonAnnealSteps of the learner
    bool m_enableStepSync;            //!< the master's messages drive the other agents' steps
    Ptr<Socket> m_listenSocket;       //!< master: accepts the other agents
    std::vector<Ptr<Socket>> m_peers; //!< master: one connection per other agent
    std::map<Ptr<Socket>, std::vector<uint8_t>> m_received; //!< master: bytes per connection
    std::map<Ptr<Socket>, std::string> m_peerQueues;        //!< master: step messages not yet sent
    std::string m_stepMessages;       //!< other agents: step bytes not yet parsed
    Ptr<Socket> m_socket;             //!< other agents: the connection to the master
    std::vector<uint8_t> m_sendQueue; //!< other agents: bytes not yet sent
    std::size_t m_sendOffset{0};      //!< first byte of m_sendQueue not yet sent
    /// Master: trajectories by episode number and agent.
    std::map<uint32_t, std::map<uint32_t, AgentEpisode>> m_trajectories;
    std::map<uint32_t, Time> m_episodeEnds; //!< master: its own end of each episode

    TracedCallback<uint32_t, Time> m_gatheredTrace; //!< the team's episode is on the master
};

} // namespace ns3

#endif // MARL_LB_QMIX_AGENT_H
