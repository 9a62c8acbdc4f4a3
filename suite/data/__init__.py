"""suite.data"""
