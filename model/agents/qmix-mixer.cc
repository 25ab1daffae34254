/*
 * SPDX-License-Identifier: GPL-2.0-only
 */

#include "qmix-mixer.h"

#include <torch/nn/functional/activation.h>
#include <torch/nn/modules/activation.h>

namespace ns3
{

QmixMixerImpl::QmixMixerImpl(int64_t inputs,
                             int64_t stateSize,
                             int64_t embedSize,
                             int64_t hypernetSize)
    : inputs(inputs),
      embedSize(embedSize)
{
    hyperWeight1 =
        register_module("hyperWeight1",
                        torch::nn::Sequential(torch::nn::Linear(stateSize, hypernetSize),
                                              torch::nn::ReLU(),
                                              torch::nn::Linear(hypernetSize, inputs * embedSize)));
    hyperBias1 = register_module("hyperBias1", torch::nn::Linear(stateSize, embedSize));
    hyperWeightFinal =
        register_module("hyperWeightFinal",
                        torch::nn::Sequential(torch::nn::Linear(stateSize, hypernetSize),
                                              torch::nn::ReLU(),
                                              torch::nn::Linear(hypernetSize, embedSize)));
    value = register_module("value",
                            torch::nn::Sequential(torch::nn::Linear(stateSize, embedSize),
                                                  torch::nn::ReLU(),
                                                  torch::nn::Linear(embedSize, 1)));
}

torch::Tensor
QmixMixerImpl::forward(const torch::Tensor& utilities, const torch::Tensor& states)
{
    auto leading = utilities.sizes().vec();
    leading.pop_back();
    auto q = utilities.reshape({-1, 1, inputs});
    auto s = states.reshape({q.size(0), -1});

    // abs() keeps both mixing layers non-negative, hence Q_tot monotonic in every utility.
    auto weight1 = torch::abs(hyperWeight1->forward(s)).view({-1, inputs, embedSize});
    auto bias1 = hyperBias1->forward(s).view({-1, 1, embedSize});
    auto hidden = torch::elu(torch::bmm(q, weight1) + bias1);
    auto weightFinal = torch::abs(hyperWeightFinal->forward(s)).view({-1, embedSize, 1});
    auto total = torch::bmm(hidden, weightFinal) + value->forward(s).view({-1, 1, 1});
    return total.view(leading);
}

} // namespace ns3
