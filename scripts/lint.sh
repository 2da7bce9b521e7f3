#!/usr/bin/env bash
# Lints the Swift sources with the toolchain's swift-format against .swift-format (the house
# style: 4-space indent, no force unwraps, force tries or implicitly unwrapped optionals, every
# public declaration documented). Exits non-zero on any finding.
#
# `swift format --in-place --recursive Sources Tests Package.swift` fixes everything this reports
# except missing documentation comments, which have to be written.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
if ! swift format --version >/dev/null 2>&1; then
    echo "lint: 'swift format' is not available; it ships with Swift 6 toolchains" >&2
    exit 1
fi
swift format lint --strict --recursive --parallel --configuration .swift-format Sources Tests Package.swift
echo "lint: no findings" >&2
