"""suite.bench"""
