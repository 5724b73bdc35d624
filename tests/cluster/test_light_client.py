"""The light client's own logic, without a server: Streamlit's cache references, and reading a run."""

from __future__ import annotations

import pytest
from streamlit.proto.Alert_pb2 import Alert
from streamlit.proto.Element_pb2 import Element
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

from tests.cluster.light_client import LightSession, ProtocolError, Run


def _metric_message(label: str, body: str, path: tuple[int, ...]) -> ForwardMsg:
    message = ForwardMsg(hash="h-" + body)
    message.metadata.cacheable = True
    message.metadata.delta_path[:] = path
    message.delta.new_element.metric.label = label
    message.delta.new_element.metric.body = body
    return message


def test_a_cache_reference_is_resolved_from_a_message_seen_before_and_takes_its_own_place():
    client = LightSession("http://127.0.0.1:1", "")
    client._resolved(_metric_message("会议数量", "44次", (0, 3)))
    reference = ForwardMsg(ref_hash="h-44次")
    reference.metadata.delta_path[:] = (0, 7)
    full = client._resolved(reference)
    assert full.delta.new_element.metric.body == "44次"
    assert list(full.metadata.delta_path) == [0, 7]  # where the reference says, not where the original was


def test_a_reference_to_a_message_never_received_is_an_error_not_a_silent_gap():
    with pytest.raises(ProtocolError, match="never got"):
        LightSession("http://127.0.0.1:1", "")._resolved(ForwardMsg(ref_hash="unknown"))


def test_a_run_finds_a_metric_by_its_label_and_reports_errors_and_warnings_but_not_information():
    run = Run()
    run.elements[(0, 1)] = _metric_message("会议数量", "32次", (0, 1)).delta.new_element
    run.elements[(0, 2)] = _metric_message("指出问题", "1个", (0, 2)).delta.new_element
    for index, (kind, text) in enumerate(((Alert.ERROR, "坏了"), (Alert.WARNING, "小心"), (Alert.INFO, "提示"))):
        element = Element()
        element.alert.format, element.alert.body = kind, text
        run.elements[(0, 10 + index)] = element
    assert run.metric("会议数量") == "32次"
    assert run.errors() == ["error: 坏了", "warning: 小心"]
    with pytest.raises(ProtocolError, match="0 metric labelled"):
        run.metric("不存在")
