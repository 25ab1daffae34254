/*
 * SPDX-License-Identifier: GPL-2.0-only
 */

#ifndef MARL_LB_LB_AGENT_H
#define MARL_LB_LB_AGENT_H

#include "episode-replay-buffer.h"

#include "ns3/application.h"
#include "ns3/event-id.h"
#include "ns3/ipv4-address.h"
#include "ns3/nstime.h"
#include "ns3/traced-callback.h"

#include <string>
#include <vector>

namespace ns3
{

class LoadBalancer;
class RewardFunction;

/**
 * \ingroup marl-lb
 * \brief A learning agent that sets a load balancer's SED weights every step.
 *
 * The agent runs as an application on the load balancer's node. Every StepInterval it:
 * 1. reads the six features of every server from the LbDataPlane (ServerFeatures);
 * 2. scores the previous action with the RewardFunction over the servers' discounted mean
 *    flow durations;
 * 3. builds the observation: per server the on-going flows divided by OngoingFlowScale, the
 *    five duration statistics divided by DurationScale, and the level chosen at the previous
 *    step divided by (levels - 1), so 7 values per server;
 * 4. asks the subclass for one action level per server (SelectLevels()), and writes the
 *    level's weight with LbDataPlane::SetWeight(), which takes effect at the data plane's next
 *    weight-update tick;
 * 5. records observation, action and reward for training.
 *
 * Every EpisodeDuration the agent closes the episode with one more observation, which only
 * bootstraps the last step's value, hands it to the subclass (EndEpisode()) and starts the
 * next episode: the recurrent state, the reward's smoothing and the previous action reset.
 *
 * Subclasses choose the learner: QmixAgent (RLB-QMIX), IndependentSacAgent (RLB-I-SAC) and
 * SingleSacAgent (RLB-S-SAC) in the ns3-marl-lb-agents library. The class itself needs no
 * libtorch, so helpers install agents by TypeId.
 */
class LbAgent : public Application
{
  public:
    /**
     * \brief TracedCallback signature for the weights of a step.
     * \param [in] weights one weight per server, by position
     */
    typedef void (*ActionTracedCallback)(const std::vector<double>& weights);

    /**
     * \brief TracedCallback signature for the reward of a step.
     * \param [in] reward the reward of the previous step's action
     */
    typedef void (*RewardTracedCallback)(double reward);

    /**
     * \brief TracedCallback signature for the time between two actions.
     * \param [in] interval time since the previous action
     */
    typedef void (*ActionIntervalTracedCallback)(Time interval);

    /**
     * \brief Get the type ID.
     * \return the object TypeId
     */
    static TypeId GetTypeId();

    LbAgent();
    ~LbAgent() override;

    /**
     * \brief Places the agent in its team of load-balancer agents.
     *
     * Called by TestbedHelper once every agent exists; an agent alone needs no call.
     * \param index this agent's index, from 0
     * \param count agents in the team
     * \param master the team's master agent (index 0)
     * \param masterAddress an address of the master's node that the other agents can reach
     */
    void SetTeam(uint32_t index, uint32_t count, Ptr<LbAgent> master, Ipv4Address masterAddress);

    /// \return the load balancer
    Ptr<LoadBalancer> GetLoadBalancer() const;
    /// \return this agent's index in the team
    uint32_t GetIndex() const;
    /// \return the number of agents in the team
    uint32_t GetTeamSize() const;
    /// \return the weight of each action level
    const std::vector<double>& GetActionLevels() const;
    /// \return the number of values in one observation
    uint32_t GetObservationSize() const;
    /// \return the number of steps taken since the start
    uint64_t GetStepCount() const;
    /// \return the number of episodes closed since the start
    uint32_t GetEpisodeCount() const;
    /// \return true if the agent explores and learns, false if it only acts greedily
    bool IsTraining() const;

  protected:
    void DoDispose() override;
    void StartApplication() override;
    void StopApplication() override;

    /**
     * \brief Chooses one action level per server.
     * \param observation GetObservationSize() values
     * \return one level per server, each below the number of action levels
     */
    virtual std::vector<uint32_t> SelectLevels(const std::vector<float>& observation) = 0;

    /**
     * \brief Receives a closed episode of this agent (one agent, one head per server).
     * \param episode the episode, with T + 1 observations, T actions and T rewards
     */
    virtual void EndEpisode(AgentEpisode episode) = 0;

    /// Resets the learner's recurrent state at the start of an episode.
    virtual void ResetEpisode() = 0;

    /**
     * \brief Prepares the learner once the load balancer's servers are known.
     *
     * Called at the start, before the first step.
     */
    virtual void Setup() = 0;

    /// \return the master agent of the team, or this agent if it is alone
    Ptr<LbAgent> GetMaster() const;
    /// \return the master's address given to SetTeam()
    Ipv4Address GetMasterAddress() const;

    /**
     * \brief Called at the end of each step, once the action is written.
     *
     * The default does nothing.
     * \param step the number of the step, from 1
     */
    virtual void StepTaken(uint64_t step);

    /**
     * \brief Stops the agent's own StepInterval timer: from now on the agent steps only when
     * StepNow() is called.
     */
    void StopStepTimer();

    /**
     * \brief Takes a step now, if the application is running.
     *
     * With the agent's own timer stopped (StopStepTimer()), this is how its steps are driven.
     */
    void StepNow();

    std::string m_checkpoint;     //!< checkpoint to load at the start, empty for none
    std::string m_saveCheckpoint; //!< checkpoint to write after each episode, empty for none

  private:
    /// Takes one step and schedules the next.
    void Step();
    /**
     * \brief Builds the observation from the features and the previous levels.
     * \param now the time of the features
     * \param loads receives each server's discounted mean flow duration
     * \return the observation
     */
    std::vector<float> Observe(Time now, std::vector<double>& loads) const;
    /**
     * \brief Closes the episode with a final observation and starts the next.
     * \param finalObservation the observation at the episode's end
     */
    void CloseEpisode(const std::vector<float>& finalObservation);
    /**
     * \brief Parses and checks the ActionLevels attribute; stops with a message if invalid.
     */
    void ParseActionLevels();

    Ptr<LoadBalancer> m_loadBalancer;       //!< the load balancer whose weights the agent sets
    Ptr<RewardFunction> m_reward;           //!< the reward of each step
    Time m_stepInterval;                    //!< time between two actions
    Time m_episodeDuration;                 //!< time per episode, zero for one episode
    std::string m_actionLevelsText;         //!< the ActionLevels attribute
    std::vector<double> m_actionLevels;     //!< weight of each level
    uint32_t m_initialLevel;                //!< level of the "previous action" of a first step
    double m_ongoingFlowScale;              //!< divides the on-going flows
    double m_durationScale;                 //!< divides the duration statistics, seconds
    bool m_enableTraining;                  //!< explore and learn
    uint32_t m_index{0};                    //!< index in the team
    uint32_t m_teamSize{1};                 //!< agents in the team
    Ptr<LbAgent> m_master;                  //!< the team's master, null if alone
    Ipv4Address m_masterAddress;            //!< address of the master's node
    EventId m_stepEvent;                    //!< next step
    Time m_episodeStart;                    //!< start of the current episode
    Time m_lastAction;                      //!< time of the previous action
    bool m_hasPreviousStep{false};          //!< a step of this episode was taken
    std::vector<uint32_t> m_previousLevels; //!< levels of the previous step
    AgentEpisode m_episode;                 //!< the episode being recorded
    uint64_t m_steps{0};                    //!< steps since the start
    uint32_t m_episodes{0};                 //!< episodes closed since the start
    bool m_running{false};                  //!< between the start and the stop
    bool m_ownTimer{true};                  //!< steps follow the agent's own timer

    TracedCallback<const std::vector<double>&> m_actionTrace; //!< weights written
    TracedCallback<double> m_rewardTrace;                     //!< reward of a step
    TracedCallback<Time> m_intervalTrace;                     //!< time between two actions
};

} // namespace ns3

#endif // MARL_LB_LB_AGENT_H
