"""The widget's panels: each owns one area of the sidebar and its WWE calls.

A panel method takes the `Interaction` it acts on, captured when the agent
clicked, and writes only to it; it draws only while that interaction is shown.
"""
