package org.speechmoe.converter.checkpoint;

/** What {@code torch._utils._rebuild_tensor_v2} describes: a view of a storage, not yet given its state_dict name. */
record PickledTensor(TensorStorage storage, long storageOffset, long[] shape, long[] strides) {
}
