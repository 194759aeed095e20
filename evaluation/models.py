"""Oversight models (surveys, alerts, interventions, reports) arrive with the evaluation issue."""
