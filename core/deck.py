"""The lecture's deck: one scene per idea of the weight-update lecture, in the
slides' order, in Korean and English.

A scene here is what the class reads (a title, a caption of two or three
lines, what the teacher does next); what it sets up is its scenario of the
same id (core.scenarios: fields, points, weights, the selected weight, the
variants).  ``deck(lang)`` lists the scenes as plain data for the API.
Every number a caption quotes is what the scene produces, at its fixed seed:
tests/core/test_scenes.py checks each claim.  Korean follows the slides'
words (spec/korean.md) and never leaves a particle to the reader.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Any

from core.config import PlaygroundConfig
from core.errors import InvalidValue
from core.scenarios import SCENARIOS
from core.scenes.descent import brute_force
from core.session import network_sizes

__all__ = ["Scene", "DECK", "LANGUAGES", "deck"]

LANGUAGES = ("ko", "en")
Text = dict[str, str]


@dataclass(frozen=True)
class Scene:
    id: str  # its scenario's id: scenario=<id> sets it up
    title: Text
    caption: dict[str, tuple[str, ...]]  # two or three lines per language
    next: Text  # what the teacher does next
    compare: bool = False  # its variants are runs to train side by side (core.compare), not other starts


DECK: tuple[Scene, ...] = (
    Scene("brute-force",
          {"ko": "무차별 대입: 가중치 18개", "en": "Brute force: 18 weights"},
          {"ko": ("노드 3개짜리 계층 3개로 된 신경망에는 가중치가 18개 있습니다.",
                  "가중치마다 값 1,000가지를 모두 시험하면 조합은 1,000을 18번 곱한 수, 곧 10의 54제곱 가지입니다.",
                  "슬라이드는 이것을 18 × 1,000 = 18,000개로 적습니다."),
           "en": ("A network of three layers of three nodes has 18 weights.",
                  "Trying 1,000 values for each means 1,000 multiplied by itself 18 times: 10 to the power 54 "
                  "combinations.",
                  "The slide writes 18 × 1,000 = 18,000.")},
          {"ko": "재생을 누르면 경사 하강법이 가중치 18개를 한꺼번에 조정합니다.",
           "en": "Press Play: gradient descent adjusts all 18 weights at once."}),
    Scene("descent",
          {"ko": "가중치 하나로 보는 경사 하강법", "en": "Gradient descent on one weight"},
          {"ko": ("가중치 하나에 대한 오차는 그릇 모양입니다.",
                  "기울기가 음수이면 가중치를 증가시키고, 양수이면 감소시킵니다.",
                  "한 단계마다 오차가 줄어듭니다."),
           "en": ("The error along one weight is a bowl.",
                  "Where the slope is negative the update increases the weight; where it is positive, decreases it.",
                  "Every step goes downhill.")},
          {"ko": "한 단계를 5번 누르며 기울기 그래프의 표시를 보세요. 그다음 변형 1, 다른 시작점으로 해 보세요.",
           "en": "Press Step 5 times and watch the marker on the slice; then open variant 1, the other start."}),
    Scene("overshoot",
          {"ko": "오버슈팅", "en": "Overshooting"},
          {"ko": ("같은 그릇에서 학습률 α = 1은 너무 큽니다.",
                  "업데이트마다 최저점을 건너뛰어 반대편의 더 높은 곳에 떨어지고, 오차가 점점 커집니다.",
                  "α = 0.1이면 같은 시작점에서 오차가 줄어듭니다."),
           "en": ("On the same bowl a learning rate α = 1 is too large.",
                  "Every update jumps across the minimum and lands higher on the other side: the error climbs.",
                  "With α = 0.1 the same start goes down.")},
          {"ko": "한 단계를 5번 누르세요. 그다음 변형 1에서 α = 0.1로 같은 시작점을 비교하세요.",
           "en": "Press Step 5 times; then open variant 1, the same start with α = 0.1."}),
    Scene("local-minimum",
          {"ko": "지역 최저점", "en": "A local minimum"},
          {"ko": ("이 가중치에 대한 오차에는 골짜기가 두 개 있습니다.",
                  "w = −0.8에서 시작하면 왼쪽 골짜기에서 오차 0.20에 멈추고, w = 0.8에서 시작하면 오른쪽 골짜기에서 "
                  "0.11에 멈춥니다.",
                  "두 곳 모두 기울기가 0이라서 경사 하강법은 어느 쪽이 더 낮은지 알지 못합니다."),
           "en": ("The error along this weight has two valleys.",
                  "From w = −0.8 descent stops in the left one at error 0.20; from w = 0.8, in the right one at 0.11.",
                  "The slope is 0 in both: gradient descent cannot tell which is lower.")},
          {"ko": "재생을 누르고 표시가 멈출 때까지(약 100단계) 기다리세요. 그다음 변형 1, 다른 시작점을 여세요.",
           "en": "Press Play until the marker stops (about 100 steps); then open variant 1, the other start."}),
    Scene("chain-rule",
          {"ko": "출력 가중치와 연쇄법칙", "en": "The chain rule on an output weight"},
          {"ko": ("∂E/∂w = −(목표 값 − 실제 값) · sigmoid(z)(1 − sigmoid(z)) · 은닉 노드의 결과 값.",
                  "오차, 노드의 입력 합 z에서 본 sigmoid의 기울기, 앞 노드의 결과 값: 세 인수를 곱합니다."),
           "en": ("∂E/∂w = −(target − actual) · sigmoid(z)(1 − sigmoid(z)) · the hidden node's output.",
                  "Three factors: the error, the sigmoid's slope at the node's weighted input z, "
                  "the source's output.")},
          {"ko": "한 단계를 한 번 누르세요. 가중치가 이 점의 −α · ∂E/∂w만큼 바뀝니다.",
           "en": "Press Step once: the weight changes by −α · ∂E/∂w of this point."}),
    Scene("hidden-weight",
          {"ko": "은닉 가중치: 재조합된 역전파 오류", "en": "A hidden weight: the recombined error"},
          {"ko": ("은닉 노드로 들어오는 가중치에는 목표 값이 없습니다.",
                  "출력 노드의 δ를 가중치를 따라 되돌려 보내 더한 값, 곧 은닉 계층에서 재조합된 역전파 오류 "
                  "e = Σ w·δ가 오차 자리에 들어갑니다.",
                  "나머지 두 인수는 같습니다: 기울기 sigmoid(z)(1 − sigmoid(z))와 입력 값."),
           "en": ("A weight into a hidden node has no target.",
                  "The output nodes' δ, sent back along the weights and added up, takes the error's place: the "
                  "recombined error e = Σ w·δ.",
                  "The other two factors are the same: the slope sigmoid(z)(1 − sigmoid(z)) and the input's value.")},
          {"ko": "설명 패널에서 e의 항을 하나씩 확인하고, 한 단계를 누르세요.",
           "en": "Check each term of e in the explainer, then press Step."}),
    Scene("learning-rate",
          {"ko": "학습률", "en": "The learning rate"},
          {"ko": ("같은 시작점에서 학습률만 다른 세 학습: α = 0.03, 0.3, 10.",
                  "0.03이면 오차가 에포크마다 줄지만 20 에포크 뒤에도 0.1보다 크고, 0.3이면 0.02 아래로 내려갑니다.",
                  "10이면 업데이트가 오버슈팅해서 여러 에포크에서 오차가 오히려 커지고, "
                  "20 에포크 뒤에도 α = 0.3일 때보다 큽니다."),
           "en": ("Three runs from the same start, only the learning rate differs: α = 0.03, 0.3 and 10.",
                  "With 0.03 the error falls every epoch but is still above 0.1 after 20; with 0.3 it ends below 0.02.",
                  "With 10 the updates overshoot: the error rises in several epochs "
                  "and ends above the α = 0.3 run's.")},
          {"ko": "한 단계를 20번 누르거나 재생을 누르고 세 오차 곡선을 비교하세요.",
           "en": "Press Step 20 times (or Play) and compare the three error curves."},
          compare=True),
    Scene("matrix-form",
          {"ko": "행렬로 쓴 가중치 업데이트", "en": "The matrix form"},
          {"ko": ("한 계층의 가중치 전체를 한 번에: ΔW = α · (E ∘ o(1 − o)) · o^T.",
                  "다음 계층에서 온 오차 항의 열에 이전 계층 결과 값의 행을 곱합니다.",
                  "업데이트마다 점이 하나이면 다음 한 단계가 바꾸는 값과 정확히 같습니다."),
           "en": ("All weights of a layer at once: ΔW = α · (E ∘ o(1 − o)) · o^T.",
                  "The column of error terms from the next layer times the row of the previous layer's outputs.",
                  "With one point per update it is exactly the change the next Step makes.")},
          {"ko": "한 단계를 한 번 누르고 행렬과 실제로 바뀐 가중치를 비교하세요.",
           "en": "Press Step once and compare the matrix with the weights that changed."}),
    Scene("worked-example",
          {"ko": "가중치 업데이트 계산 예제", "en": "The worked example"},
          {"ko": ("슬라이드의 숫자 그대로: 합 2.0·0.4 + 3.0·0.5 = 2.3, sigmoid(2.3) = 0.909, "
                  "0.909 · (1 − 0.909) = 0.083.",
                  "∂E/∂w = −(0.8 · 0.083 · 0.4) = −0.0265, 학습률이 0.1일 때 변화량은 −0.00265.",
                  "새로운 가중치는 2.0 − (−0.00265) = 2.00265입니다."),
           "en": ("The slide's numbers: the sum 2.0·0.4 + 3.0·0.5 = 2.3, sigmoid(2.3) = 0.909, "
                  "0.909 · (1 − 0.909) = 0.083.",
                  "∂E/∂w = −(0.8 · 0.083 · 0.4) = −0.0265; with learning rate 0.1 the change is −0.00265.",
                  "The new weight is 2.0 − (−0.00265) = 2.00265.")},
          {"ko": "한 단계를 한 번 누르세요. 가중치가 2.00265가 됩니다.",
           "en": "Press Step once: the weight becomes 2.00265."}),
    Scene("saturation",
          {"ko": "포화 (saturation)", "en": "Saturation"},
          {"ko": ("같은 sigmoid 신경망에 입력 값을 0.01 ~ 1.0으로, 또 픽셀 값처럼 0 ~ 255로 넣었습니다.",
                  "0 ~ 255이면 은닉 노드의 입력 합이 너무 커서 기울기 f′(z)가 0.01보다 작고 학습이 멈춥니다.",
                  "30 에포크 뒤 오차가 0.2보다 크지만, 0.01 ~ 1.0은 0.01 아래로 내려갑니다."),
           "en": ("The same sigmoid network, with inputs scaled to 0.01–1.0 and to 0–255, like raw pixels.",
                  "With 0–255 the hidden nodes' weighted inputs are huge, their slope f′(z) is below 0.01: "
                  "learning stalls.",
                  "After 30 epochs its error is still above 0.2; with 0.01–1.0 it is below 0.01.")},
          {"ko": "한 단계를 30번 누르거나 재생을 누르고 두 오차 곡선과 은닉 노드의 그림을 비교하세요.",
           "en": "Press Step 30 times (or Play) and compare the two error curves and the hidden nodes' pictures."},
          compare=True),
    Scene("output-range",
          {"ko": "결과 값의 범위", "en": "The output range"},
          {"ko": ("로지스틱 함수의 결과 값은 0이나 1에 닿지 못합니다.",
                  "목표 값을 0과 1로 두면 출력 가중치가 그 값을 쫓아 계속 커집니다: 200에서 600 에포크까지 "
                  "100 에포크마다 커집니다.",
                  "0.01과 0.99로 두면 같은 기간에 0.05보다 적게 변하며 자리를 잡습니다."),
           "en": ("A logistic output never reaches 0 or 1.",
                  "Trained towards 0 and 1, the output weights keep growing to chase them: from epoch 200 to 600 "
                  "they grow every 100 epochs.",
                  "Towards 0.01 and 0.99 they settle, changing by less than 0.05 over the same epochs.")},
          {"ko": "재생을 누르고 600 에포크까지 출력 가중치의 크기를 비교하세요.",
           "en": "Press Play up to epoch 600 and compare the size of the output weights."},
          compare=True),
    Scene("initialisation",
          {"ko": "가중치 초기화", "en": "Initial weights"},
          {"ko": ("연결이 8개인 노드에서 ±1/√n은 ±0.35입니다. 두 번째 은닉 계층의 평균 기울기가 U(−1, 1)의 0.19보다 "
                  "큰 0.24에서 시작합니다.",
                  "모든 가중치가 0.5로 같으면 은닉 노드들이 같은 신호를 받아 계속 똑같은 결과 값을 냅니다.",
                  "그래서 오차가 0.2 위에 머물지만, 두 임의 초기화는 100 에포크 안에 0.01 아래로 내려갑니다."),
           "en": ("For a node with 8 links ±1/√n is ±0.35: the second hidden layer's mean slope starts at 0.24, "
                  "against 0.19 with U(−1, 1).",
                  "With every weight 0.5, the hidden nodes receive the same signal and stay identical for ever.",
                  "So the error stays above 0.2, while both random starts fall below 0.01 within 100 epochs.")},
          {"ko": "재생을 누르고 세 오차 곡선과 은닉 노드의 그림을 비교하세요.",
           "en": "Press Play and compare the three error curves and the hidden nodes' pictures."},
          compare=True),
    Scene("feature-engineering",
          {"ko": "“자동” 특성 공학 (Feature Engineering)", "en": "“Automatic” feature engineering"},
          {"ko": ("나선형 데이터를 x와 y만으로 은닉 계층 6개(뉴런 8개씩)가 학습합니다. 300 에포크까지 오차가 0.3보다 "
                  "큽니다.",
                  "그다음 은닉 계층이 스스로 특성을 찾아 500 에포크에는 0.05 아래로 내려갑니다.",
                  "사람이 만든 특성(x², y², xy, sin x, sin y)을 주면 은닉 계층 1개가 "
                  "300 에포크에 이미 0.05 아래입니다."),
           "en": ("The spiral from x and y alone, on 6 hidden layers of 8 neurons: up to epoch 300 the error stays "
                  "above 0.3.",
                  "Then the hidden layers find their own features: below 0.05 by epoch 500.",
                  "Given hand-made features (x², y², xy, sin x, sin y), one hidden layer is below 0.05 by epoch 300.")},
          {"ko": "재생을 누르고 두 오차 곡선을 비교한 다음, 깊은 신경망의 은닉 노드가 그린 그림을 보세요.",
           "en": "Press Play, compare the two error curves, then look at what the deep network's hidden nodes draw."},
          compare=True),
    Scene("tf-playground",
          {"ko": "TensorFlow Playground", "en": "TensorFlow Playground"},
          {"ko": ("원래 플레이그라운드의 기본 설정입니다: 원형 데이터, x와 y, 은닉 계층 2개(뉴런 4개와 2개), tanh, "
                  "학습률 0.03, 규제 없음, 분류.",
                  "무엇이든 바꿔 보세요. 망가뜨릴 수 없습니다."),
           "en": ("The original's defaults: circle data, x and y, 2 hidden layers of 4 and 2 neurons, tanh, learning "
                  "rate 0.03, no regularization, classification.",
                  "Tinker with anything: you can't break it.")},
          {"ko": "재생을 누르고 설정을 바꾸며 신경망이 어떻게 달라지는지 보세요.",
           "en": "Press Play, change any setting and watch the network adapt."}),
)  # fmt: skip


def deck(lang: str) -> list[dict[str, Any]]:
    """The scenes in order as plain data in ``lang`` ("ko" or "en"): ``id``, ``title``,
    ``caption`` (lines), ``next``, ``hash`` (what sets the scene up), ``fields`` (the
    fields it sets, with variant 0's), ``selection`` and ``point`` (what the explainer
    shows), ``compare`` and ``variants`` (each with its ``label``, the ``fields`` it
    changes and its ``hash``); the brute-force scene also carries its ``count``
    (core.scenes.descent.brute_force)."""
    if lang not in LANGUAGES:
        raise InvalidValue("lang", f"{lang!r} is not allowed; allowed: {', '.join(LANGUAGES)}")
    listing = []
    for scene in DECK:
        scenario = SCENARIOS[scene.id]
        selection = scenario.selection
        entry: dict[str, Any] = {
            "id": scene.id,
            "title": scene.title[lang],
            "caption": list(scene.caption[lang]),
            "next": scene.next[lang],
            "hash": f"scenario={scene.id}",
            "fields": _plain(scenario.fields_for(0)),
            "selection": None if selection is None else selection.to_dict(),
            "point": scenario.point,
            "compare": scene.compare,
            "variants": [
                {
                    "variant": k,
                    "label": variant.label.get(lang, ""),
                    "fields": _plain(variant.fields),
                    "hash": f"scenario={scene.id}&variant={k}",
                }
                for k, variant in enumerate(scenario.variants)
            ]
            if len(scenario.variants) > 1
            else [],
        }
        if scene.id == "brute-force":
            config = PlaygroundConfig(seed="0", **scenario.fields_for(0))
            sizes = network_sizes(config)
            entry["count"] = brute_force(sum(a * b for a, b in itertools.pairwise(sizes)))
        listing.append(entry)
    return listing


def _plain(fields: dict[str, Any]) -> dict[str, Any]:
    """Fields as JSON-ready values (tuples as lists)."""
    return {name: list(value) if isinstance(value, tuple) else value for name, value in fields.items()}
