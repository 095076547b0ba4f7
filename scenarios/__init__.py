"""Scenario, drill, inputs and policy files shipped with Holdfire (package data)."""
