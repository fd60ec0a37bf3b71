"""The real and documented vendor payloads kept next to the checkout (never
in it): every client reads each as expected. Skipped where they are absent."""

import subprocess
import sys
from pathlib import Path

import pytest

from .run_vendor_samples import default_samples_dir

SCRIPT = Path(__file__).with_name("run_vendor_samples.py")
SAMPLES = default_samples_dir()


@pytest.mark.skipif(SAMPLES is None, reason="vendor samples not present on this machine")
def test_every_vendor_sample_is_read_as_expected():
    out = subprocess.run(
        [sys.executable, str(SCRIPT), str(SAMPLES)], capture_output=True, text=True, timeout=120
    )
    assert out.returncode == 0, out.stdout + out.stderr
    assert "FAIL" not in out.stdout
