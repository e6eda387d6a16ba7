#!/usr/bin/env python3
"""PyTorch (CPU) side of `npm run bench`: train and inference images/s of the bench's models.

Builds the same architectures as lib/models/zoo (convnet.ts, resnet.ts, mlp.ts), runs the same
training step as lib/bench (cross-entropy, torch.optim.SGD with the same momentum, weight decay and
learning rate, forward + backward + step) on random data of the same shape and batch, with the same
thread count, and prints one JSON object on stdout. lib/bench/pytorch.ts calls it once per model,
right after measuring the same model on the project's engine, so the two figures come from one run.

  python3 tools/bench/torch_bench.py --threads 2 --spec '{"model": "convnet", ...}'

torch is imported after the arguments are parsed, so --help works without it.
"""
import argparse
import json
import resource
import sys
import time


def norm_layer(nn, kind, channels):
    # 'instance' is GroupNorm(C, C) with affine, as lib/models/nn/layers.ts InstanceNorm.
    if kind == "instance":
        return nn.GroupNorm(channels, channels, affine=True)
    if kind == "batch":
        return nn.BatchNorm2d(channels)
    if kind == "none":
        return nn.Identity()
    raise ValueError(f"norm must be 'instance', 'batch' or 'none', got {kind!r}")


def take_options(model, options, defaults):
    unknown = sorted(set(options) - set(defaults))
    if unknown:
        # A silently ignored option would compare two different models.
        raise ValueError(f"{model}: unknown option(s) {unknown}; this script knows {sorted(defaults)}")
    return {**defaults, **options}


def convnet(torch, nn, shape, classes, options):
    """lib/models/zoo/convnet.ts: depth x [conv3x3 pad 1 -> norm -> ReLU -> 2x2 pool], flatten, linear."""
    o = take_options("convnet", options, {"width": 128, "depth": 3, "norm": "instance", "pooling": "avg"})
    h, w, c = shape
    layers = []
    for _ in range(o["depth"]):
        layers += [nn.Conv2d(c, o["width"], 3, padding=1), norm_layer(nn, o["norm"], o["width"]), nn.ReLU(inplace=True)]
        c = o["width"]
        if o["pooling"] != "none":
            layers.append(nn.AvgPool2d(2, 2) if o["pooling"] == "avg" else nn.MaxPool2d(2, 2))
            h, w = h // 2, w // 2
    layers += [nn.Flatten(), nn.Linear(h * w * c, classes)]
    return nn.Sequential(*layers)


def mlp(torch, nn, shape, classes, options):
    """lib/models/zoo/mlp.ts: flatten -> (linear -> ReLU)* -> linear."""
    o = take_options("mlp", options, {"hidden": [128, 128]})
    d = shape[0] * shape[1] * shape[2]
    layers = [nn.Flatten()]
    for width in o["hidden"]:
        layers += [nn.Linear(d, width), nn.ReLU(inplace=True)]
        d = width
    layers.append(nn.Linear(d, classes))
    return nn.Sequential(*layers)


def resnet18(torch, nn, shape, classes, options):
    """lib/models/zoo/resnet.ts: BasicBlocks [2, 2, 2, 2], CIFAR or ImageNet stem, global average pooling."""
    o = take_options("resnet18", options, {"norm": "batch", "stem": "cifar", "width": 64})
    F = torch.nn.functional

    class BasicBlock(nn.Module):
        def __init__(self, inc, planes, stride):
            super().__init__()
            self.conv1 = nn.Conv2d(inc, planes, 3, stride, 1, bias=False)
            self.bn1 = norm_layer(nn, o["norm"], planes)
            self.conv2 = nn.Conv2d(planes, planes, 3, 1, 1, bias=False)
            self.bn2 = norm_layer(nn, o["norm"], planes)
            self.shortcut = nn.Sequential()
            if stride != 1 or inc != planes:
                self.shortcut = nn.Sequential(nn.Conv2d(inc, planes, 1, stride, bias=False), norm_layer(nn, o["norm"], planes))

        def forward(self, x):
            y = F.relu(self.bn1(self.conv1(x)))
            y = self.bn2(self.conv2(y))
            return F.relu(y + self.shortcut(x))

    class ResNet(nn.Module):
        def __init__(self):
            super().__init__()
            width = o["width"]
            imagenet = o["stem"] == "imagenet"
            self.conv1 = nn.Conv2d(shape[2], width, 7 if imagenet else 3, 2 if imagenet else 1, 3 if imagenet else 1, bias=False)
            self.bn1 = norm_layer(nn, o["norm"], width)
            self.maxpool = nn.MaxPool2d(3, 2, 1) if imagenet else nn.Identity()
            stages, inc = [], width
            for s, count in enumerate([2, 2, 2, 2]):
                planes = width * 2**s
                blocks = []
                for b in range(count):
                    blocks.append(BasicBlock(inc, planes, 2 if s > 0 and b == 0 else 1))
                    inc = planes
                stages.append(nn.Sequential(*blocks))
            self.layers = nn.Sequential(*stages)
            self.fc = nn.Linear(inc, classes)

        def forward(self, x):
            y = self.maxpool(F.relu(self.bn1(self.conv1(x))))
            y = self.layers(y)
            return self.fc(torch.flatten(F.adaptive_avg_pool2d(y, 1), 1))

    return ResNet()


BUILDERS = {"convnet": convnet, "mlp": mlp, "resnet18": resnet18}


def make_optimizer(torch, params, spec):
    if spec.get("kind") == "sgd":
        return torch.optim.SGD(params, lr=spec["lr"], momentum=spec.get("momentum", 0), weight_decay=spec.get("weightDecay", 0))
    if spec.get("kind") == "adam":
        return torch.optim.Adam(params, lr=spec["lr"], weight_decay=spec.get("weightDecay", 0))
    raise ValueError(f"optimizer.kind must be 'sgd' or 'adam', got {spec.get('kind')!r}")


def images_per_second(batch, steps, one):
    start = time.perf_counter()
    for _ in range(steps):
        one()
    return batch * steps / (time.perf_counter() - start)


def measure(torch, spec):
    nn = torch.nn
    if spec["model"] not in BUILDERS:
        raise ValueError(f"unknown model {spec['model']!r}; this script builds {sorted(BUILDERS)}")
    h, w, c = spec["inputShape"]
    batch, classes = spec["batch"], spec.get("numClasses", 10)
    torch.manual_seed(0)
    model = BUILDERS[spec["model"]](torch, nn, (h, w, c), classes, spec.get("options", {}))
    optimizer = make_optimizer(torch, model.parameters(), spec["optimizer"])
    x = torch.randn(batch, c, h, w)  # NCHW, PyTorch's default layout
    y = torch.randint(0, classes, (batch,))
    loss_fn = nn.CrossEntropyLoss()

    def train_step():
        optimizer.zero_grad(set_to_none=True)
        loss = loss_fn(model(x), y)
        loss.backward()
        optimizer.step()

    def infer():
        with torch.no_grad():
            model(x)

    model.train()
    if spec.get("warmUp", True):
        train_step()
    train = images_per_second(batch, spec["trainSteps"], train_step)
    model.eval()
    if spec.get("warmUp", True):
        infer()
    inference = images_per_second(batch, spec["inferenceSteps"], infer)
    return {
        "model": spec["model"],
        "input": f"{h}x{w}x{c}",
        "batch": batch,
        "parameters": sum(p.numel() for p in model.parameters()),
        "trainImagesPerSecond": train,
        "inferenceImagesPerSecond": inference,
        "trainSteps": spec["trainSteps"],
        "inferenceSteps": spec["inferenceSteps"],
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--spec", required=True, help="one model as JSON: model, options, inputShape [h, w, c], batch, trainSteps, inferenceSteps, warmUp, optimizer")
    parser.add_argument("--threads", type=int, required=True, help="torch.set_num_threads (the engine's thread count)")
    args = parser.parse_args()
    import torch

    torch.set_num_threads(args.threads)
    sample = measure(torch, json.loads(args.spec))
    # ru_maxrss is in KiB on Linux: the peak of this process, which measured this one model.
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    print(json.dumps({"torch": torch.__version__, "threads": torch.get_num_threads(), "peakRssBytes": peak, "sample": sample}))


if __name__ == "__main__":
    try:
        main()
    except Exception as e:  # one line on stderr for the caller's report
        print(f"torch_bench.py: {type(e).__name__}: {e}", file=sys.stderr)
        sys.exit(1)
