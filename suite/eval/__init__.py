"""suite.eval"""
