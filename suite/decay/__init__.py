"""suite.decay"""
