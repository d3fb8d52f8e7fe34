"""`aiguilleur bench-bot` runs end to end on a few updates (the figures themselves are in the README)."""

from __future__ import annotations

import json

import pytest
from shared import shared_engine as engine

from bot.cli import main
from bot.telegram.bench import GOAL, bench_texts, run_bench_bot


def test_bench_texts_mix_needs_places_and_out_of_scope_questions() -> None:
    texts = bench_texts(engine(), 40)
    assert len(texts) == 40
    assert any(" à " in t for t in texts)
    assert len(set(texts)) > 10


@pytest.mark.parametrize("in_process", [True, False])
def test_bench_measures_both_bots_on_the_fake_server(in_process: bool) -> None:
    result = run_bench_bot(engine(), updates=30, rounds=1, in_process=in_process, concurrency=2)
    assert result.echo_rate > 0
    assert result.bot_rate > 0
    assert result.ratio == pytest.approx(result.bot_rate / result.echo_rate)  # one round: one ratio
    assert len(result.ratios) == 1
    # The fake server counts the calls: the echo bot answers each update with exactly one message
    # (the sentinel's reply is not counted), Aiguilleur with at least one.
    assert result.echo_calls["sendMessage"] == 30
    assert result.calls_per_answer(result.echo_calls) == 1.0
    assert result.bot_calls["sendMessage"] >= 30
    assert result.echo_cpu_ms[0] > 0
    assert result.bot_cpu_ms[0] > 0
    data = result.to_json()
    assert data["ratio_min"] <= data["ratio_q1"] <= data["ratio"] <= data["ratio_q3"] <= data["ratio_max"]
    assert data["echo_calls_per_answer"] == 1.0
    assert data["goal"] == GOAL
    assert data["fake_server"] == ("same process" if in_process else "separate process")
    json.dumps(data)


def test_bench_bot_command(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["bench-bot", "--updates", "20", "--rounds", "1", "--json", "--in-process"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["updates"] == 20
    assert data["unit"] == "updates/s"
    assert main(["bench-bot", "--updates", "20", "--rounds", "2", "--in-process"]) == 0
    out = capsys.readouterr().out
    for shown in ("appel(s) Bot API par réponse", "quartiles", "temps CPU"):
        assert shown in out
    assert main(["bench-bot", "--updates", "0"]) == 2
    assert main(["bench-bot", "--rounds", "1", "--updates", "10", "--concurrency", "0"]) == 2
