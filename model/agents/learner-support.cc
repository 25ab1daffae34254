/*
 * SPDX-License-Identifier: GPL-2.0-only
 */

#include "learner-support.h"

#include "ns3/rng-seed-manager.h"

#include <ATen/Parallel.h>
#include <algorithm>
#include <numeric>
#include <sstream>
#include <torch/utils.h>

namespace ns3
{

namespace
{
/**
 * \brief Mixes bits so that nearby inputs give unrelated outputs (splitmix64's finaliser).
 * \param value the input
 * \return the mixed value
 */
uint64_t
MixBits(uint64_t value)
{
    value += 0x9E3779B97F4A7C15ULL;
    value = (value ^ (value >> 30)) * 0xBF58476D1CE4E5B9ULL;
    value = (value ^ (value >> 27)) * 0x94D049BB133111EBULL;
    return value ^ (value >> 31);
}

/**
 * \brief Formats a tensor shape as [a, b].
 * \param sizes the shape
 * \return the text
 */
std::string
FormatShape(c10::IntArrayRef sizes)
{
    std::ostringstream text;
    text << "[";
    for (std::size_t i = 0; i < sizes.size(); ++i)
    {
        text << (i > 0 ? ", " : "") << sizes[i];
    }
    text << "]";
    return text.str();
}
} // namespace

uint64_t
DeriveLearnerSeed(int64_t stream)
{
    uint64_t seed = MixBits(RngSeedManager::GetSeed());
    seed = MixBits(seed ^ RngSeedManager::GetRun());
    return MixBits(seed ^ static_cast<uint64_t>(stream));
}

void
SeedTorch(uint64_t seed)
{
    torch::set_num_threads(1);
    // libtorch's seed must fit in a signed 64-bit value on some code paths.
    torch::manual_seed(seed >> 1);
}

EpisodeBatch
MakeEpisodeBatch(const std::vector<const AgentEpisode*>& episodes)
{
    const auto& first = *episodes.front();
    const int64_t batch = static_cast<int64_t>(episodes.size());
    int64_t steps = 0;
    for (const auto* episode : episodes)
    {
        steps = std::max<int64_t>(steps, episode->GetSteps());
    }
    const int64_t agents = first.agents;
    const int64_t heads = first.heads;
    const int64_t observationSize = first.observationSize;
    const int64_t stateSize = first.stateSize;

    EpisodeBatch out;
    out.observations = torch::zeros({batch, steps + 1, agents, observationSize});
    out.actions = torch::zeros({batch, steps, agents, heads}, torch::kLong);
    out.rewards = torch::zeros({batch, steps});
    out.mask = torch::zeros({batch, steps});
    out.nextMask = torch::zeros({batch, steps});
    out.terminated = torch::zeros({batch, steps});
    if (stateSize > 0)
    {
        out.states = torch::zeros({batch, steps + 1, stateSize});
    }

    for (int64_t b = 0; b < batch; ++b)
    {
        const auto& episode = *episodes[b];
        const int64_t length = episode.GetSteps();
        std::copy(episode.observations.begin(),
                  episode.observations.end(),
                  out.observations[b].data_ptr<float>());
        std::copy(episode.actions.begin(),
                  episode.actions.end(),
                  out.actions[b].data_ptr<int64_t>());
        std::copy(episode.rewards.begin(), episode.rewards.end(), out.rewards[b].data_ptr<float>());
        if (stateSize > 0)
        {
            std::copy(episode.states.begin(),
                      episode.states.end(),
                      out.states[b].data_ptr<float>());
        }
        out.mask[b].slice(0, 0, length).fill_(1.0);
        out.nextMask[b].slice(0, 0, length - 1).fill_(1.0);
        if (episode.terminated)
        {
            out.terminated[b][length - 1] = 1.0;
        }
    }
    return out;
}

std::vector<const AgentEpisode*>
SampleEpisodes(const EpisodeReplayBuffer& buffer, uint32_t count, std::mt19937_64& random)
{
    const uint32_t held = buffer.GetEpisodeCount();
    std::vector<const AgentEpisode*> chosen;
    if (held >= count)
    {
        std::vector<uint32_t> order(held);
        std::iota(order.begin(), order.end(), 0);
        // Partial Fisher-Yates shuffle: the first count entries are a uniform sample.
        for (uint32_t i = 0; i < count; ++i)
        {
            std::uniform_int_distribution<uint32_t> pick(i, held - 1);
            std::swap(order[i], order[pick(random)]);
            chosen.push_back(&buffer.Get(order[i]));
        }
        return chosen;
    }
    std::uniform_int_distribution<uint32_t> pick(0, held - 1);
    for (uint32_t i = 0; i < count; ++i)
    {
        chosen.push_back(&buffer.Get(pick(random)));
    }
    return chosen;
}

int64_t
SampleIndex(const float* probabilities, int64_t count, std::mt19937_64& random)
{
    std::uniform_real_distribution<double> uniform(0.0, 1.0);
    double draw = uniform(random);
    double cumulative = 0;
    for (int64_t i = 0; i < count; ++i)
    {
        cumulative += probabilities[i];
        if (draw < cumulative)
        {
            return i;
        }
    }
    return count - 1;
}

void
WriteCheckpointFields(torch::serialize::OutputArchive& archive,
                      const std::string& kind,
                      const std::vector<CheckpointField>& fields)
{
    archive.write("kind", c10::IValue(kind));
    for (const auto& [name, value] : fields)
    {
        archive.write("size." + name, c10::IValue(value));
    }
}

std::string
CheckCheckpointFields(torch::serialize::InputArchive& archive,
                      const std::string& file,
                      const std::string& kind,
                      const std::vector<CheckpointField>& fields)
{
    c10::IValue value;
    if (!archive.try_read("kind", value) || !value.isString())
    {
        return "checkpoint " + file + " is not a marl-lb learner checkpoint (no learner kind)";
    }
    if (value.toStringRef() != kind)
    {
        return "checkpoint " + file + " holds a " + value.toStringRef() + " learner, expected "
             + kind;
    }
    for (const auto& [name, expected] : fields)
    {
        if (!archive.try_read("size." + name, value) || !value.isInt())
        {
            return "checkpoint " + file + " lacks the value " + name;
        }
        if (value.toInt() != expected)
        {
            std::ostringstream error;
            error << "checkpoint " << file << " has " << name << " = " << value.toInt()
                  << ", but this learner has " << expected;
            return error.str();
        }
    }
    return "";
}

std::string
ReadModuleParts(torch::serialize::InputArchive& archive,
                const std::string& file,
                const std::vector<std::pair<std::string, torch::nn::Module*>>& modules,
                std::vector<torch::serialize::InputArchive>& parts)
{
    parts.clear();
    parts.resize(modules.size());
    for (std::size_t i = 0; i < modules.size(); ++i)
    {
        if (!archive.try_read(modules[i].first, parts[i]))
        {
            return "checkpoint " + file + " lacks module " + modules[i].first;
        }
        std::string error = CheckModuleShapes(parts[i], *modules[i].second, file, modules[i].first);
        if (!error.empty())
        {
            return error;
        }
    }
    return "";
}

std::string
CheckModuleShapes(torch::serialize::InputArchive& archive,
                  const torch::nn::Module& module,
                  const std::string& file,
                  const std::string& name)
{
    // Module::save() writes a module's own parameters as tensors and each child module as a
    // nested archive, so the check follows the same tree.
    for (const auto& parameter : module.named_parameters(false))
    {
        torch::Tensor stored;
        if (!archive.try_read(parameter.key(), stored))
        {
            return "checkpoint " + file + " lacks parameter " + name + "." + parameter.key();
        }
        if (stored.sizes() != parameter.value().sizes())
        {
            return "checkpoint " + file + " has parameter " + name + "." + parameter.key()
                 + " of shape " + FormatShape(stored.sizes()) + ", but this learner's is "
                 + FormatShape(parameter.value().sizes());
        }
    }
    for (const auto& child : module.named_children())
    {
        torch::serialize::InputArchive childArchive;
        if (!archive.try_read(child.key(), childArchive))
        {
            return "checkpoint " + file + " lacks module " + name + "." + child.key();
        }
        std::string error =
            CheckModuleShapes(childArchive, *child.value(), file, name + "." + child.key());
        if (!error.empty())
        {
            return error;
        }
    }
    return "";
}

void
CopyParameters(const torch::nn::Module& from, torch::nn::Module& to, double tau)
{
    torch::NoGradGuard noGrad;
    auto source = from.parameters(true);
    auto destination = to.parameters(true);
    for (std::size_t i = 0; i < source.size(); ++i)
    {
        if (tau >= 1.0)
        {
            destination[i].copy_(source[i]);
        }
        else
        {
            destination[i].mul_(1.0 - tau).add_(source[i], tau);
        }
    }
}

} // namespace ns3
