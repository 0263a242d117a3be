"""civwatch NLP: places, actors, casualty claims, event dates and incident assembly.

``NLP_VERSION`` names the behaviour of this package's output. Stored articles
processed by an older version are re-processed by the incidents stage, so bump
it whenever ``analyze`` output changes for the same input.
"""

NLP_VERSION = "0.3.0"
