/*
 * SPDX-License-Identifier: GPL-2.0-only
 */

#include "discrete-sac-learner.h"

#include "learner-support.h"
#include "recurrent-agent-net.h"

#include "ns3/abort.h"
#include "ns3/double.h"
#include "ns3/enum.h"
#include "ns3/log.h"
#include "ns3/uinteger.h"

#include <algorithm>
#include <cmath>
#include <torch/nn/functional/activation.h>
#include <torch/nn/utils/clip_grad.h>
#include <torch/optim/adam.h>
#include <torch/serialize/input-archive.h>
#include <torch/serialize/output-archive.h>

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("DiscreteSacLearner");

NS_OBJECT_ENSURE_REGISTERED(DiscreteSacLearner);

namespace
{
/// The learner kind written into SAC checkpoints.
const std::string SAC_CHECKPOINT_KIND = "discrete-sac";
} // namespace

/// The networks, the temperatures, the optimisers and the actor's recurrent state.
struct DiscreteSacLearner::Impl
{
    RecurrentAgentNet actor{nullptr};         //!< policy network, logits per head and level
    RecurrentAgentNet critic1{nullptr};       //!< first critic
    RecurrentAgentNet critic2{nullptr};       //!< second critic
    RecurrentAgentNet targetCritic1{nullptr}; //!< soft copy of the first critic
    RecurrentAgentNet targetCritic2{nullptr}; //!< soft copy of the second critic
    torch::Tensor logTemperature;             //!< log alpha per head, [heads]
    std::unique_ptr<torch::optim::Adam> actorOptimizer;       //!< Adam over the actor
    std::unique_ptr<torch::optim::Adam> criticOptimizer;      //!< Adam over both critics
    std::unique_ptr<torch::optim::Adam> temperatureOptimizer; //!< Adam over log alpha
    torch::Tensor hidden;                        //!< the actor's recurrent state, [1, hidden]
    torch::Tensor input;                         //!< reused input of SelectActions(), [1, obs]
    std::unique_ptr<EpisodeReplayBuffer> replay; //!< the agent's episodes
    std::mt19937_64 random;                      //!< action and batch draws

    /// \return the parameters of both critics
    std::vector<torch::Tensor> CriticParameters() const
    {
        auto parameters = critic1->parameters();
        auto second = critic2->parameters();
        parameters.insert(parameters.end(), second.begin(), second.end());
        return parameters;
    }

    /// \return each module saved in a checkpoint, with its name
    std::vector<std::pair<std::string, torch::nn::Module*>> Modules()
    {
        return {{"actor", actor.get()},
                {"critic1", critic1.get()},
                {"critic2", critic2.get()},
                {"targetCritic1", targetCritic1.get()},
                {"targetCritic2", targetCritic2.get()}};
    }

    /// \return each optimiser saved in a checkpoint, with its name
    std::vector<std::pair<std::string, torch::optim::Optimizer*>> Optimizers()
    {
        return {{"actorOptimizer", actorOptimizer.get()},
                {"criticOptimizer", criticOptimizer.get()},
                {"temperatureOptimizer", temperatureOptimizer.get()}};
    }
};

TypeId
DiscreteSacLearner::GetTypeId()
{
    static TypeId tid =
        TypeId("ns3::DiscreteSacLearner")
            .SetParent<Object>()
            .SetGroupName("MarlLb")
            .AddConstructor<DiscreteSacLearner>()
            .AddAttribute("Servers",
                          "Number of action heads, one per server.",
                          UintegerValue(7),
                          MakeUintegerAccessor(&DiscreteSacLearner::m_servers),
                          MakeUintegerChecker<uint32_t>(1))
            .AddAttribute("Levels",
                          "Number of action levels (weights) per head.",
                          UintegerValue(6),
                          MakeUintegerAccessor(&DiscreteSacLearner::m_levels),
                          MakeUintegerChecker<uint32_t>(2))
            .AddAttribute("ObservationSize",
                          "Values in one observation.",
                          UintegerValue(49),
                          MakeUintegerAccessor(&DiscreteSacLearner::m_observationSize),
                          MakeUintegerChecker<uint32_t>(1))
            .AddAttribute("HiddenSize",
                          "Width of the networks' layers and GRU states; the study uses 128, "
                          "and 512 at large scale.",
                          UintegerValue(128),
                          MakeUintegerAccessor(&DiscreteSacLearner::m_hiddenSize),
                          MakeUintegerChecker<uint32_t>(1))
            .AddAttribute("LearningRate",
                          "Adam's learning rate for the actor, the critics and the "
                          "temperatures.",
                          DoubleValue(1e-3),
                          MakeDoubleAccessor(&DiscreteSacLearner::m_learningRate),
                          MakeDoubleChecker<double>(0))
            .AddAttribute("Gamma",
                          "Discount factor per step.",
                          DoubleValue(0.99),
                          MakeDoubleAccessor(&DiscreteSacLearner::m_gamma),
                          MakeDoubleChecker<double>(0, 1))
            .AddAttribute("Tau",
                          "Weight of the critics in each soft update of the target critics.",
                          DoubleValue(0.005),
                          MakeDoubleAccessor(&DiscreteSacLearner::m_tau),
                          MakeDoubleChecker<double>(0, 1))
            .AddAttribute("InitialTemperature",
                          "Temperature alpha of every head before training.",
                          DoubleValue(1.0),
                          MakeDoubleAccessor(&DiscreteSacLearner::m_initialTemperature),
                          MakeDoubleChecker<double>(1e-9))
            .AddAttribute("TargetEntropy",
                          "Rule for each head's target entropy: TargetEntropyScale x "
                          "log(Levels) (Christodoulou 2019), or -Levels (the study's setting, "
                          "a heuristic for continuous actions that drives alpha towards 0).",
                          EnumValue(DiscreteSacLearner::TARGET_ENTROPY_SCALED_LOG),
                          MakeEnumAccessor(&DiscreteSacLearner::m_targetRule),
                          MakeEnumChecker(DiscreteSacLearner::TARGET_ENTROPY_SCALED_LOG,
                                          "ScaledLog",
                                          DiscreteSacLearner::TARGET_ENTROPY_NEGATIVE_LEVELS,
                                          "NegativeLevels"))
            .AddAttribute("TargetEntropyScale",
                          "Factor of log(Levels) in the ScaledLog target entropy; 1 is the "
                          "uniform policy's entropy.",
                          DoubleValue(0.98),
                          MakeDoubleAccessor(&DiscreteSacLearner::m_targetEntropyScale),
                          MakeDoubleChecker<double>(0, 1))
            .AddAttribute("GradientClip",
                          "Maximum L2 norm of each network's gradient in one update.",
                          DoubleValue(10.0),
                          MakeDoubleAccessor(&DiscreteSacLearner::m_gradientClip),
                          MakeDoubleChecker<double>(0))
            .AddAttribute("BatchSize",
                          "Episodes per update.",
                          UintegerValue(12),
                          MakeUintegerAccessor(&DiscreteSacLearner::m_batchSize),
                          MakeUintegerChecker<uint32_t>(1))
            .AddAttribute("ReplayCapacity",
                          "Steps that the replay buffer holds over all its episodes.",
                          UintegerValue(3000),
                          MakeUintegerAccessor(&DiscreteSacLearner::m_replayCapacity),
                          MakeUintegerChecker<uint32_t>(1))
            .AddAttribute("MinEpisodes",
                          "Updates start once the replay buffer holds more episodes than this "
                          "(or is full).",
                          UintegerValue(25),
                          MakeUintegerAccessor(&DiscreteSacLearner::m_minEpisodes),
                          MakeUintegerChecker<uint32_t>());
    return tid;
}

DiscreteSacLearner::DiscreteSacLearner()
{
    NS_LOG_FUNCTION(this);
}

DiscreteSacLearner::~DiscreteSacLearner() = default;

void
DiscreteSacLearner::DoDispose()
{
    NS_LOG_FUNCTION(this);
    m_impl.reset();
    Object::DoDispose();
}

int64_t
DiscreteSacLearner::AssignStreams(int64_t stream)
{
    NS_LOG_FUNCTION(this << stream);
    if (m_impl)
    {
        NS_LOG_WARN("DiscreteSacLearner::AssignStreams called after the networks were built; "
                    "the stream applies to no draw");
    }
    m_stream = stream;
    return 1;
}

double
DiscreteSacLearner::GetTargetEntropy() const
{
    if (m_targetRule == TARGET_ENTROPY_NEGATIVE_LEVELS)
    {
        return -static_cast<double>(m_levels);
    }
    return m_targetEntropyScale * std::log(static_cast<double>(m_levels));
}

void
DiscreteSacLearner::Build()
{
    if (m_impl)
    {
        return;
    }
    NS_LOG_FUNCTION(this);
    uint64_t seed = DeriveLearnerSeed(m_stream);
    SeedTorch(seed);
    m_impl = std::make_unique<Impl>();
    m_impl->random.seed(seed);

    auto makeNet = [this]() {
        return RecurrentAgentNet(m_observationSize, m_hiddenSize, m_servers, m_levels);
    };
    m_impl->actor = makeNet();
    m_impl->critic1 = makeNet();
    m_impl->critic2 = makeNet();
    m_impl->targetCritic1 = makeNet();
    m_impl->targetCritic2 = makeNet();
    CopyParameters(*m_impl->critic1, *m_impl->targetCritic1, 1.0);
    CopyParameters(*m_impl->critic2, *m_impl->targetCritic2, 1.0);
    m_impl->logTemperature =
        torch::full({static_cast<int64_t>(m_servers)}, std::log(m_initialTemperature))
            .requires_grad_(true);

    torch::optim::AdamOptions options(m_learningRate);
    m_impl->actorOptimizer =
        std::make_unique<torch::optim::Adam>(m_impl->actor->parameters(), options);
    m_impl->criticOptimizer =
        std::make_unique<torch::optim::Adam>(m_impl->CriticParameters(), options);
    m_impl->temperatureOptimizer =
        std::make_unique<torch::optim::Adam>(std::vector<torch::Tensor>{m_impl->logTemperature},
                                             options);
    m_impl->input = torch::zeros({1, static_cast<int64_t>(m_observationSize)});
    m_impl->replay = std::make_unique<EpisodeReplayBuffer>(m_replayCapacity, m_minEpisodes);
    m_impl->hidden = m_impl->actor->InitialHidden(1);
    NS_LOG_DEBUG("discrete SAC learner built: "
                 << m_servers << " heads of " << m_levels << " levels, observation "
                 << m_observationSize << ", hidden " << m_hiddenSize << ", target entropy "
                 << GetTargetEntropy() << ", seed " << seed);
}

void
DiscreteSacLearner::ResetHiddenState()
{
    NS_LOG_FUNCTION(this);
    Build();
    m_impl->hidden = m_impl->actor->InitialHidden(1);
}

std::vector<uint32_t>
DiscreteSacLearner::SelectActions(const std::vector<float>& observation, bool explore)
{
    NS_LOG_FUNCTION(this << explore);
    Build();
    NS_ASSERT_MSG(observation.size() == m_observationSize,
                  "observation of " << observation.size() << " values, expected "
                                    << m_observationSize);
    torch::NoGradGuard noGrad;
    std::copy(observation.begin(), observation.end(), m_impl->input.data_ptr<float>());
    auto [logits, hidden] = m_impl->actor->Step(m_impl->input, m_impl->hidden);
    m_impl->hidden = hidden;
    const float* values = logits.data_ptr<float>();

    std::vector<float> probabilities(m_levels);
    std::vector<uint32_t> actions(m_servers);
    for (uint32_t head = 0; head < m_servers; ++head)
    {
        const float* headLogits = values + head * m_levels;
        uint32_t best =
            static_cast<uint32_t>(std::max_element(headLogits, headLogits + m_levels) - headLogits);
        if (!explore)
        {
            actions[head] = best;
            continue;
        }
        // Softmax shifted by the maximum logit for numerical safety.
        double sum = 0;
        for (uint32_t level = 0; level < m_levels; ++level)
        {
            probabilities[level] = std::exp(headLogits[level] - headLogits[best]);
            sum += probabilities[level];
        }
        for (auto& probability : probabilities)
        {
            probability = static_cast<float>(probability / sum);
        }
        actions[head] =
            static_cast<uint32_t>(SampleIndex(probabilities.data(), m_levels, m_impl->random));
    }
    return actions;
}

std::vector<float>
DiscreteSacLearner::GetPolicy(const std::vector<float>& observation)
{
    NS_LOG_FUNCTION(this);
    Build();
    NS_ASSERT(observation.size() == m_observationSize);
    torch::NoGradGuard noGrad;
    auto input = torch::tensor(observation).view({1, -1});
    auto [logits, hidden] = m_impl->actor->Step(input, m_impl->actor->InitialHidden(1));
    auto probabilities = torch::softmax(logits, 2).contiguous();
    const float* values = probabilities.data_ptr<float>();
    return std::vector<float>(values, values + m_servers * m_levels);
}

std::vector<double>
DiscreteSacLearner::GetTemperatures()
{
    Build();
    auto temperatures = m_impl->logTemperature.detach().exp();
    std::vector<double> out;
    for (int64_t head = 0; head < temperatures.size(0); ++head)
    {
        out.push_back(temperatures[head].item<double>());
    }
    return out;
}

void
DiscreteSacLearner::AddEpisode(AgentEpisode episode)
{
    NS_LOG_FUNCTION(this << episode.GetSteps());
    Build();
    NS_ABORT_MSG_IF(episode.agents != 1 || episode.heads != m_servers
                        || episode.observationSize != m_observationSize,
                    "SAC episode of " << episode.agents << " agents, " << episode.heads
                                      << " heads and observations of " << episode.observationSize
                                      << " values does not fit this learner");
    m_impl->replay->Add(std::move(episode));
}

bool
DiscreteSacLearner::IsReady() const
{
    return m_impl && m_impl->replay->IsReady();
}

double
DiscreteSacLearner::Update()
{
    NS_LOG_FUNCTION(this);
    Build();
    if (m_impl->replay->GetEpisodeCount() == 0)
    {
        return -1;
    }
    auto batch = MakeEpisodeBatch(SampleEpisodes(*m_impl->replay, m_batchSize, m_impl->random));
    const int64_t steps = batch.rewards.size(1);
    const int64_t heads = m_servers;
    auto observations = batch.observations.squeeze(2); // one agent: [batch, steps + 1, obs]
    auto actions = batch.actions.select(2, 0);         // [batch, steps, heads]
    auto mask = batch.mask.unsqueeze(2);               // [batch, steps, 1]
    const double maskedValues = batch.mask.sum().item<double>() * heads;
    auto temperature = m_impl->logTemperature.exp().view({1, 1, heads, 1});

    // Forward: policy over every step; critics on the steps taken.
    auto logits = std::get<0>(m_impl->actor->forward(observations, torch::Tensor()));
    auto logProbabilities = torch::log_softmax(logits, 3);
    auto probabilities = logProbabilities.exp();
    auto q1 =
        std::get<0>(m_impl->critic1->forward(observations, torch::Tensor())).slice(1, 0, steps);
    auto q2 =
        std::get<0>(m_impl->critic2->forward(observations, torch::Tensor())).slice(1, 0, steps);

    // Targets: r + gamma V(s'), V the exact expectation of the soft target Q over pi.
    torch::Tensor targets;
    {
        torch::NoGradGuard noGrad;
        auto nextQ =
            torch::min(std::get<0>(m_impl->targetCritic1->forward(observations, torch::Tensor())),
                       std::get<0>(m_impl->targetCritic2->forward(observations, torch::Tensor())))
                .slice(1, 1, steps + 1);
        auto nextProbabilities = probabilities.detach().slice(1, 1, steps + 1);
        auto nextLogProbabilities = logProbabilities.detach().slice(1, 1, steps + 1);
        auto nextValue =
            (nextProbabilities * (nextQ - temperature.detach() * nextLogProbabilities)).sum(3);
        targets =
            batch.rewards.unsqueeze(2) + m_gamma * (1 - batch.terminated.unsqueeze(2)) * nextValue;
    }

    // Critic step: zero-grad, loss on both critics, backward, clip, step.
    auto chosen = actions.unsqueeze(3);
    auto q1Taken = q1.gather(3, chosen).squeeze(3);
    auto q2Taken = q2.gather(3, chosen).squeeze(3);
    auto criticLoss =
        (((q1Taken - targets).pow(2) + (q2Taken - targets).pow(2)) * mask).sum() / maskedValues;
    m_impl->criticOptimizer->zero_grad();
    criticLoss.backward();
    torch::nn::utils::clip_grad_norm_(m_impl->CriticParameters(), m_gradientClip);
    m_impl->criticOptimizer->step();

    // Actor step: E_pi[alpha log pi - min Q], with the critics' values held fixed.
    auto minQ = torch::min(q1, q2).detach();
    auto policyProbabilities = probabilities.slice(1, 0, steps);
    auto policyLogProbabilities = logProbabilities.slice(1, 0, steps);
    auto actorLoss =
        ((policyProbabilities * (temperature.detach() * policyLogProbabilities - minQ)).sum(3)
         * mask)
            .sum()
        / maskedValues;
    m_impl->actorOptimizer->zero_grad();
    actorLoss.backward();
    torch::nn::utils::clip_grad_norm_(m_impl->actor->parameters(), m_gradientClip);
    m_impl->actorOptimizer->step();

    // Temperature step: log alpha falls while the entropy is above the target.
    auto entropy = -(policyProbabilities * policyLogProbabilities).sum(3).detach();
    auto temperatureLoss =
        (m_impl->logTemperature.view({1, 1, heads}) * (entropy - GetTargetEntropy()) * mask).sum()
        / maskedValues;
    m_impl->temperatureOptimizer->zero_grad();
    temperatureLoss.backward();
    m_impl->temperatureOptimizer->step();

    // Target critics follow the critics.
    CopyParameters(*m_impl->critic1, *m_impl->targetCritic1, m_tau);
    CopyParameters(*m_impl->critic2, *m_impl->targetCritic2, m_tau);

    m_updates++;
    double value = criticLoss.item<double>();
    NS_ASSERT_MSG(std::isfinite(value),
                  "SAC critic loss is not finite after " << m_updates << " updates");
    NS_LOG_DEBUG("SAC update " << m_updates << ": critic loss " << value << ", actor loss "
                               << actorLoss.item<double>() << ", mean entropy "
                               << ((entropy * mask).sum() / maskedValues).item<double>()
                               << ", alpha of head 0 "
                               << m_impl->logTemperature[0].exp().item<double>());
    return value;
}

std::string
DiscreteSacLearner::Save(const std::string& file)
{
    NS_LOG_FUNCTION(this << file);
    Build();
    try
    {
        torch::serialize::OutputArchive archive;
        WriteCheckpointFields(archive,
                              SAC_CHECKPOINT_KIND,
                              {{"agents", 1},
                               {"servers", m_servers},
                               {"levels", m_levels},
                               {"observationSize", m_observationSize},
                               {"hiddenSize", m_hiddenSize}});
        archive.write("updates", c10::IValue(static_cast<int64_t>(m_updates)));
        archive.write("logTemperature", m_impl->logTemperature.detach());
        for (const auto& [name, module] : m_impl->Modules())
        {
            torch::serialize::OutputArchive part;
            module->save(part);
            archive.write(name, part);
        }
        for (const auto& [name, optimizer] : m_impl->Optimizers())
        {
            torch::serialize::OutputArchive part;
            optimizer->save(part);
            archive.write(name, part);
        }
        archive.save_to(file);
    }
    catch (const c10::Error& e)
    {
        return "cannot write checkpoint " + file + ": " + e.what_without_backtrace();
    }
    NS_LOG_INFO("SAC checkpoint written to " << file << " after " << m_updates << " updates");
    return "";
}

std::string
DiscreteSacLearner::Load(const std::string& file)
{
    NS_LOG_FUNCTION(this << file);
    Build();
    torch::serialize::InputArchive archive;
    try
    {
        archive.load_from(file);
    }
    catch (const c10::Error& e)
    {
        return "cannot read checkpoint " + file + ": " + e.what_without_backtrace();
    }

    // Check everything before changing anything.
    std::string error = CheckCheckpointFields(archive,
                                              file,
                                              SAC_CHECKPOINT_KIND,
                                              {{"agents", 1},
                                               {"servers", m_servers},
                                               {"levels", m_levels},
                                               {"observationSize", m_observationSize},
                                               {"hiddenSize", m_hiddenSize}});
    auto modules = m_impl->Modules();
    std::vector<torch::serialize::InputArchive> parts;
    if (error.empty())
    {
        error = ReadModuleParts(archive, file, modules, parts);
    }
    auto optimizers = m_impl->Optimizers();
    std::vector<torch::serialize::InputArchive> optimizerParts(optimizers.size());
    for (std::size_t i = 0; i < optimizers.size() && error.empty(); ++i)
    {
        if (!archive.try_read(optimizers[i].first, optimizerParts[i]))
        {
            error = "checkpoint " + file + " lacks the optimiser state " + optimizers[i].first;
        }
    }
    torch::Tensor logTemperature;
    if (error.empty()
        && (!archive.try_read("logTemperature", logTemperature)
            || logTemperature.sizes() != m_impl->logTemperature.sizes()))
    {
        error = "checkpoint " + file + " lacks the temperatures of " + std::to_string(m_servers)
              + " heads";
    }
    if (!error.empty())
    {
        NS_LOG_ERROR(error);
        return error;
    }

    try
    {
        for (std::size_t i = 0; i < modules.size(); ++i)
        {
            modules[i].second->load(parts[i]);
        }
        {
            torch::NoGradGuard noGrad;
            m_impl->logTemperature.copy_(logTemperature);
        }
        for (std::size_t i = 0; i < optimizers.size(); ++i)
        {
            optimizers[i].second->load(optimizerParts[i]);
        }
        c10::IValue value;
        if (archive.try_read("updates", value) && value.isInt())
        {
            m_updates = value.toInt();
        }
    }
    catch (const c10::Error& e)
    {
        return "cannot load checkpoint " + file + ": " + e.what_without_backtrace();
    }
    ResetHiddenState();
    NS_LOG_INFO("SAC checkpoint loaded from " << file << " (" << m_updates << " updates)");
    return "";
}

uint64_t
DiscreteSacLearner::GetUpdateCount() const
{
    return m_updates;
}

const EpisodeReplayBuffer&
DiscreteSacLearner::GetReplayBuffer() const
{
    NS_ASSERT_MSG(m_impl, "the SAC learner is not built yet");
    return *m_impl->replay;
}

uint32_t
DiscreteSacLearner::GetServerCount() const
{
    return m_servers;
}

uint32_t
DiscreteSacLearner::GetLevelCount() const
{
    return m_levels;
}

} // namespace ns3
