"""suite.model"""
