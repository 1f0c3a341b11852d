"""Analyses more than one rule family needs: what a receiver is, where scopes are.

Rule modules hold rules; what they share about the program lives here.
"""
